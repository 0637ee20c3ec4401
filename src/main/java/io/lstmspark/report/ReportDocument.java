package io.lstmspark.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/** What every report says of the tool that wrote it, and how it is written: JSON on a Hadoop file system. */
interface ReportDocument {

    @JsonProperty("tool")
    default String tool() {
        return "lstm-spark";
    }

    @JsonProperty("version")
    default String version() {
        return Version.current();
    }

    /**
     * Writes this report as {@code path}, replacing what is there; without {@code checksumFile}, no .crc file
     * goes beside it on a local disk. {@code what} names the report in errors.
     */
    default Path writeJson(Path path, Configuration hadoopConf, boolean checksumFile, String what) {
        try {
            FileSystem fs = path.getFileSystem(hadoopConf);
            if (!checksumFile && fs instanceof LocalFileSystem local) {
                fs = local.getRawFileSystem();
            }
            try (OutputStream out = fs.create(path, true)) {
                RunReport.mapper().writeValue(out, this);
            }
            return path;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + what + " to " + path, e);
        }
    }
}
