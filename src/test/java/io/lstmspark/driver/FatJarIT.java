package io.lstmspark.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.cli.Main;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What the fat jar carries: what the job needs beyond Spark, TensorFlow's natives where JavaCPP looks, nothing Spark
 * brings.
 */
class FatJarIT {

    private static final String PLATFORM = System.getProperty("lstmspark.tfPlatform");
    private static final String SHADED = "io/lstmspark/shaded/";
    private static Path jar;
    private static Set<String> entries;

    @BeforeAll
    static void readFatJar() {
        jar = Path.of(System.getProperty("lstmspark.fatJar"));
        entries = files(jar);
    }

    @Test
    void carriesNoFileThatSparksOwnJarsCarry() throws IOException {
        Set<String> spark = new TreeSet<>();
        for (Path sparkJar : sparkJars()) {
            spark.addAll(files(sparkJar));
        }
        Set<String> both = new TreeSet<>(entries);
        both.retainAll(spark);
        both.remove(JarFile.MANIFEST_NAME);
        assertEquals(Set.of(), both, "in the fat jar and on Spark's classpath");
    }

    @Test
    void protobufIsRelocatedAndTensorFlowUsesTheRelocatedCopy() throws IOException {
        assertEquals(List.of(), entries.stream().filter(e -> e.startsWith("com/google/protobuf/")).toList());
        assertTrue(entries.contains(SHADED + "com/google/protobuf/GeneratedMessageV3.class"));
        String configProto = classText("org/tensorflow/proto/ConfigProto.class");
        assertTrue(configProto.contains(SHADED + "com/google/protobuf/GeneratedMessageV3"), "ConfigProto extends it");
        assertFalse(Pattern.compile("(?<!" + SHADED + ")com/google/protobuf/").matcher(configProto).find(),
                "ConfigProto refers to protobuf outside " + SHADED);
    }

    @Test
    void otherLibrariesThatClustersMayCarryAreRelocated() {
        for (String library : List.of("com/typesafe/config/", "picocli/", "kotlin/", "org/jetbrains/bio/npy/",
                "io/jhdf/")) {
            assertTrue(entries.stream().anyMatch(e -> e.startsWith(SHADED + library)), library + " relocated");
            assertTrue(entries.stream().noneMatch(e -> e.startsWith(library)), library + " not at its own path");
        }
    }

    @Test
    void tensorFlowNativesStayWhereJavaCppLoadsThemFrom() {
        for (String library : List.of(
                "org/tensorflow/internal/c_api/" + PLATFORM + "/libtensorflow_cc.so.2",
                "org/tensorflow/internal/c_api/" + PLATFORM + "/libtensorflow_framework.so.2",
                "org/tensorflow/internal/c_api/" + PLATFORM + "/libjnitensorflow.so",
                "org/bytedeco/javacpp/" + PLATFORM + "/libjnijavacpp.so")) {
            assertTrue(entries.contains(library), library);
        }
    }

    @Test
    void hasNoSignatureFilesAndStartsTheJob() throws IOException {
        assertEquals(List.of(), entries.stream().filter(e -> e.matches("META-INF/[^/]+\\.(SF|DSA|RSA|EC)")).toList());
        try (JarFile fat = new JarFile(jar.toFile())) {
            assertEquals(Main.class.getName(), fat.getManifest().getMainAttributes().getValue("Main-Class"));
        }
    }

    /** The jars of the local cluster's Spark home: Spark's Maven dependencies and the protobuf-java it asks for. */
    private static List<Path> sparkJars() throws IOException {
        List<Path> jars = new ArrayList<>();
        for (String path : Files.readString(Path.of("target/spark-classpath.txt")).strip().split(":")) {
            jars.add(Path.of(path));
        }
        try (Stream<Path> extra = Files.list(Path.of("target/spark-extra-jars"))) {
            extra.forEach(jars::add);
        }
        return jars;
    }

    private static Set<String> files(Path zip) {
        try (ZipFile file = new ZipFile(zip.toFile())) {
            Set<String> names = new TreeSet<>();
            file.stream().filter(e -> !e.isDirectory()).map(ZipEntry::getName).forEach(names::add);
            return names;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + zip, e);
        }
    }

    private static String classText(String entry) throws IOException {
        try (ZipFile file = new ZipFile(jar.toFile()); InputStream in = file.getInputStream(file.getEntry(entry))) {
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }
}
