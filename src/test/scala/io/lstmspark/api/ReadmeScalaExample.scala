package io.lstmspark.api

import org.apache.spark.ml.{Pipeline, PipelineModel}
import org.apache.spark.sql.SparkSession
import org.apache.spark.sql.functions.col

/** README's Scala example: compiled and run by ReadmeScalaExampleTest. */
object ReadmeScalaExample {

  def run(spark: SparkSession, output: String): Unit = {
    // README:begin
    val lstm = new LstmTransformer()
      .setModelPath("sample-data/model")
      .setSeriesIdCol("sensor_id").setTimestampCol("ts")
      .setFeatureCols("temperature", "humidity", "load", "vibration")
      .setWindowLength(24).setStride(6)
      .setOutput("forecast", "forecast")

    val steps = spark.read.parquet("sample-data/sensors").filter(col("ts") >= "2026-01-12")
    val pipeline = new Pipeline().setStages(Array(lstm)).fit(steps)
    pipeline.write.overwrite().save(output + "-pipeline")        // saved with its parameters

    PipelineModel.load(output + "-pipeline").transform(steps)     // checks now, runs when written
      .write.mode("overwrite").parquet(output)
    // README:end
  }
}
