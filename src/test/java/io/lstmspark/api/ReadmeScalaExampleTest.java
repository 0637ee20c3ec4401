package io.lstmspark.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lstmspark.testing.TestSpark;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * README's Scala example, compiled here by the Scala compiler (a test dependency, the version of the
 * scala-library Spark brings) against the test classpath, then run on the test's Spark session: the
 * build itself compiles no Scala.
 */
class ReadmeScalaExampleTest {

    private static final Path SOURCE = Path.of("src/test/scala/io/lstmspark/api/ReadmeScalaExample.scala");

    @TempDir
    Path dir;

    @Test
    void theExampleCompilesAndWritesTheOraclesForecasts() throws Exception {
        Path classes = Files.createDirectories(dir.resolve("classes"));
        boolean compiled = scala.tools.nsc.Main.process(new String[] {"-d", classes.toString(),
                "-classpath", System.getProperty("java.class.path"), SOURCE.toString()});
        assertTrue(compiled, "scalac compiles " + SOURCE);

        SparkSession spark = TestSpark.session();
        String output = dir.resolve("forecasts").toString();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes.toUri().toURL()},
                getClass().getClassLoader())) {
            loader.loadClass("io.lstmspark.api.ReadmeScalaExample").getMethod("run", SparkSession.class, String.class)
                    .invoke(null, spark, output);
        }

        SampleForecasts.assertForecastsOfTheFilteredSample(spark.read().parquet(output).collectAsList());
        assertTrue(new File(output + "-pipeline", "metadata").isDirectory(), "the saved pipeline");
    }

    @Test
    void readmeShowsTheExampleAsItIsCompiledHere() throws Exception {
        assertEquals(SampleForecasts.markedRegion(SOURCE), SampleForecasts.readmeBlock(SOURCE));
    }
}
