package io.lstmspark;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The package layout of the README's Architecture section, as rules on the compiled classes: every
 * import points down, and TensorFlow stays behind the model and Arrow layers on the job's path.
 */
class ArchitectureTest {

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("io.lstmspark");
    }

    @Test
    void packagesHaveNoCycles() {
        slices().matching("io.lstmspark.(*)..").should().beFreeOfCycles().check(classes);
    }

    @Test
    void everyLayerUsesOnlyTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("cli").definedBy("io.lstmspark.cli..")
                .layer("features").definedBy("io.lstmspark.inspect..", "io.lstmspark.bench..", "io.lstmspark.sample..")
                .layer("api").definedBy("io.lstmspark.api..")
                .layer("driver").definedBy("io.lstmspark.driver..")
                .layer("task").definedBy("io.lstmspark.task..")
                .layer("output").definedBy("io.lstmspark.output..")
                .layer("arrow").definedBy("io.lstmspark.arrow..")
                .layer("model").definedBy("io.lstmspark.model..")
                .layer("series").definedBy("io.lstmspark.series..")
                .layer("report").definedBy("io.lstmspark.report..")
                .layer("config").definedBy("io.lstmspark.config..")
                .whereLayer("cli").mayNotBeAccessedByAnyLayer()
                .whereLayer("features").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("api").mayOnlyBeAccessedByLayers("cli")
                .whereLayer("driver").mayOnlyBeAccessedByLayers("cli", "features", "api")
                .whereLayer("task").mayOnlyBeAccessedByLayers("driver", "features")
                .whereLayer("output").mayOnlyBeAccessedByLayers("task", "driver", "features", "cli")
                .whereLayer("arrow").mayOnlyBeAccessedByLayers("output", "task", "driver", "features")
                .whereLayer("model").mayOnlyBeAccessedByLayers("arrow", "output", "task", "driver", "features", "cli")
                .whereLayer("series").mayOnlyBeAccessedByLayers("arrow", "output", "task", "driver", "features")
                .check(classes);
    }

    @Test
    void valuesEveryLayerReadsDependOnNothingAboveThem() {
        noClasses().that().resideInAnyPackage("io.lstmspark.config..", "io.lstmspark.report..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lstmspark.cli..", "io.lstmspark.api..",
                        "io.lstmspark.driver..",
                        "io.lstmspark.task..", "io.lstmspark.output..", "io.lstmspark.arrow..", "io.lstmspark.model..",
                        "io.lstmspark.series..", "io.lstmspark.inspect..", "io.lstmspark.bench..",
                        "io.lstmspark.sample..")
                .check(classes);
    }

    @Test
    void tensorFlowTypesStayInTheModelAndArrowLayers() {
        noClasses().that().resideInAnyPackage("io.lstmspark.cli..", "io.lstmspark.api..", "io.lstmspark.config..",
                        "io.lstmspark.driver..",
                        "io.lstmspark.task..", "io.lstmspark.output..", "io.lstmspark.series..",
                        "io.lstmspark.report..")
                .should().dependOnClassesThat().resideInAPackage("org.tensorflow..")
                .check(classes);
    }
}
