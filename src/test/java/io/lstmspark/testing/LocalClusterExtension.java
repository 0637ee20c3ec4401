package io.lstmspark.testing;

import java.nio.file.Path;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives tests a {@link LocalCluster} parameter: one cluster for every test class of the JVM that asks,
 * started at the first request and stopped when the last test is done (JUnit closes what the root
 * store holds), pass or fail.
 *
 * <pre>
 * &#64;ExtendWith(LocalClusterExtension.class)
 * class SomeIT {
 *     &#64;Test
 *     void something(LocalCluster cluster) { ... cluster.submit(...) ... }
 * }
 * </pre>
 */
public final class LocalClusterExtension implements ParameterResolver {

    /** Pid files, logs and executor work directories of the test cluster. */
    private static final Path DIRECTORY = Path.of("target", "it-cluster");

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == LocalCluster.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(LocalCluster.class, key -> LocalCluster.start(DIRECTORY), LocalCluster.class);
    }
}
