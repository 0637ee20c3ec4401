package io.lstmspark.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobConfigLoaderTest {

    private static final List<String> REQUIRED = List.of("input.path=in", "input.series-id=id", "input.timestamp=ts",
            "input.features=[a, b]", "model.path=m", "outputs.y=y", "output.path=out");

    @TempDir
    Path dir;

    private static JobConfig load(String... overrides) {
        List<String> args = new java.util.ArrayList<>(REQUIRED);
        args.addAll(List.of(overrides));
        return JobConfigLoader.load(Optional.empty(), args);
    }

    @Test
    void defaultsFillEveryKeyTheUserLeavesOut() {
        JobConfig config = load();
        assertEquals(WindowMode.EXTRACT, config.mode());
        assertEquals(1, config.window().stride());
        assertTrue(config.window().length().isEmpty(), "window length comes from the model unless set");
        assertEquals(1024, config.batchSize());
        assertEquals("serving_default", config.model().signature());
        assertEquals(List.of("serve"), config.model().tags());
        assertEquals(JobConfig.OutputMode.ERROR_IF_EXISTS, config.output().mode());
        assertEquals("parquet", config.input().format());
    }

    @Test
    void commandLineOverridesTheFileWhichOverridesDefaults() throws IOException {
        File file = dir.resolve("job.conf").toFile();
        Files.writeString(file.toPath(), "window { length = 24, stride = 6 }\nbatch.size = 64\n");
        List<String> args = new java.util.ArrayList<>(REQUIRED);
        args.add("window.stride=4");
        JobConfig config = JobConfigLoader.load(Optional.of(file), args);
        assertEquals(24, config.window().length().getAsInt());
        assertEquals(4, config.window().stride());
        assertEquals(64, config.batchSize());
    }

    @Test
    void featuresAcceptAHoconListOrACommaSeparatedString() {
        assertEquals(List.of("a", "b"), load().input().features());
        assertEquals(List.of("t", "u", "v"), load("input.features=t, u,v").input().features());
    }

    @Test
    void pathsNeedNoQuotingOnTheCommandLine() {
        assertEquals("s3a://bucket/night=1/out", load("output.path=s3a://bucket/night=1/out").output().path());
    }

    @Test
    void quotedValuesAreHoconStrings() {
        assertEquals("lstm:lstm_8.h", load("outputs.h=\"lstm:lstm_8.h\"").outputs().get("h"));
        assertEquals("lstm:0.sequence", load("outputs.s=lstm:0.sequence").outputs().get("s"));
    }

    @Test
    void outputColumnsKeepTheOrderTheyAreWrittenIn() throws IOException {
        File file = dir.resolve("job.conf").toFile();
        Files.writeString(file.toPath(), "outputs {\n  zeta = z\n  alpha = a\n  mid = \"op/x:1\"\n}\n");
        List<String> args = REQUIRED.stream().filter(a -> !a.startsWith("outputs")).toList();
        JobConfig config = JobConfigLoader.load(Optional.of(file), args);
        assertEquals(List.of("zeta", "alpha", "mid"), List.copyOf(config.outputs().keySet()));
        assertEquals("op/x:1", config.outputs().get("mid"));
    }

    @Test
    void unknownKeyIsRefusedWithTheClosestKnownKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("window.strid=2"));
        assertTrue(e.getMessage().contains("'window.strid'") && e.getMessage().contains("did you mean 'window.stride'"),
                e.getMessage());
    }

    @Test
    void missingRequiredKeyIsNamed() {
        List<String> args = REQUIRED.stream().filter(a -> !a.startsWith("model.path")).toList();
        ConfigException e = assertThrows(ConfigException.class, () -> JobConfigLoader.load(Optional.empty(), args));
        assertTrue(e.getMessage().contains("model.path"), e.getMessage());
    }

    @Test
    void wrongTypeNamesTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("batch.size=many"));
        assertTrue(e.getMessage().contains("batch.size"), e.getMessage());
    }

    @Test
    void enumeratedValuesListTheChoices() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("mode=predict"));
        assertTrue(e.getMessage().contains("extract, forecast"), e.getMessage());
    }

    @Test
    void freeSectionsTakeTheUsersOwnKeys() {
        JobConfig config = load("input.options.sep=;", "outputs.state=lstm/step_3/h:0");
        assertEquals(Map.of("sep", ";"), config.input().options());
        assertEquals("lstm/step_3/h:0", config.outputs().get("state"));
    }

    @Test
    void missingConfigurationFileIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobConfigLoader.load(Optional.of(new File("no/such.conf")), REQUIRED));
        assertTrue(e.getMessage().contains("no/such.conf"), e.getMessage());
    }

    @Test
    void integerKeysGivenAFractionAreRefusedNamingKeyAndValue() throws IOException {
        for (String key : List.of("window.stride", "window.length", "batch.size", "input.partitions",
                "model.intra-op-threads", "model.inter-op-threads")) {
            ConfigException e = assertThrows(ConfigException.class, () -> load(key + "=2.7"), key);
            assertEquals("configuration key " + key + " is 2.7; it must be a whole number", e.getMessage());
        }
        File file = dir.resolve("job.conf").toFile();
        Files.writeString(file.toPath(), "window.stride = 2.7\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobConfigLoader.load(Optional.of(file), REQUIRED));
        assertEquals("configuration key window.stride is 2.7; it must be a whole number", e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("batch.max-bytes=1000.5"));
        assertEquals("configuration key batch.max-bytes is 1000.5; it must be a whole number", e.getMessage());
        assertEquals(3, load("window.stride=3.0").window().stride(), "a whole number written with .0 is whole");
        assertEquals(1536L * 1024, load("batch.max-bytes=1.5m").batchMaxBytes(),
                "a size with a unit may be fractional");
    }

    @Test
    void aFeatureListedTwiceIsRefusedEvenInAnotherCase() {
        ConfigException e = assertThrows(ConfigException.class, () -> load("input.features=[a, b, a]"));
        assertEquals("configuration key input.features lists column 'a' twice: each feature is one column of the "
                + "window, in the model's order", e.getMessage());
        e = assertThrows(ConfigException.class, () -> load("input.features=a,B,b"));
        assertTrue(e.getMessage().contains("lists column 'b' twice (as 'B' and 'b')"), e.getMessage());
    }

    @Test
    void onNanDefaultsToFailAndTakesItsThreeChoices() {
        assertEquals(JobConfig.OnNan.FAIL, load().output().onNan());
        assertEquals(JobConfig.OnNan.QUARANTINE, load("output.on-nan=quarantine").output().onNan());
        assertEquals(JobConfig.OnNan.KEEP, load("output.on-nan=keep").output().onNan());
        ConfigException e = assertThrows(ConfigException.class, () -> load("output.on-nan=drop"));
        assertTrue(e.getMessage().contains("use one of fail, quarantine, keep"), e.getMessage());
    }

    @Test
    void anObjectGivenOnTheCommandLineReplacesTheFilesObject() throws IOException {
        Path file = dir.resolve("job.conf");
        Files.writeString(file, "outputs { forecast = dense_1, h = \"lstm:0.h\" }\n");
        List<String> args = new java.util.ArrayList<>(REQUIRED.subList(0, 5));
        args.add("output.path=out");
        args.add("outputs={c = \"lstm:0.c\"}");
        assertEquals(Map.of("c", "lstm:0.c"), JobConfigLoader.load(Optional.of(file.toFile()), args).outputs());
        args.set(args.size() - 1, "outputs.c=lstm:0.c");
        assertEquals(Set.of("forecast", "h", "c"),
                JobConfigLoader.load(Optional.of(file.toFile()), args).outputs().keySet(),
                "a key inside the object changes that entry only");
    }

    @Test
    void anUnquotedTensorReferenceInTheFileIsExplainedAsTheColonItHolds() throws IOException {
        Path file = dir.resolve("job.conf");
        Files.writeString(file, "outputs {\n  h = lstm:lstm_8.h\n}\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobConfigLoader.load(Optional.of(file.toFile()), REQUIRED));
        assertTrue(e.getMessage().contains("quote values that hold a colon") && e.getMessage().contains(
                "h = \"lstm:lstm_8.h\""), e.getMessage());
        assertFalse(e.getMessage().contains(".properties"), e.getMessage());
    }

    @Test
    void aSparkSettingInTheFileSaysHowToPassIt() throws IOException {
        Path file = dir.resolve("job.conf");
        Files.writeString(file, "spark.sql.shuffle.partitions = 64\n");
        ConfigException e = assertThrows(ConfigException.class,
                () -> JobConfigLoader.load(Optional.of(file.toFile()), REQUIRED));
        assertEquals("'spark.sql.shuffle.partitions' is a Spark setting, not a job key: give it on the command line "
                + "as spark.sql.shuffle.partitions=VALUE (run-local.sh and run also take --conf "
                + "spark.sql.shuffle.partitions=VALUE), or to spark-submit as --conf "
                + "spark.sql.shuffle.partitions=VALUE", e.getMessage());
    }
}
