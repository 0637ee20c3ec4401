package io.lstmspark.output;

import java.io.Serializable;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.temporal.ChronoField;

/**
 * Keys as text for messages and quarantine records: timestamps as Spark casts them to strings, in the
 * session's time zone (spark.sql.session.timeZone) rather than the JVM's; other values as they print.
 */
public final class KeyText implements Serializable {

    private static final DateTimeFormatter SPARK_STYLE = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd HH:mm:ss")
            .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
            .toFormatter();

    private final String timeZone;
    private transient ZoneId zone;

    public KeyText(String timeZone) {
        this.timeZone = timeZone;
    }

    /** The value as text, or null for null. */
    public String of(Object value) {
        if (value instanceof Timestamp t) {
            return SPARK_STYLE.format(t.toInstant().atZone(zone()));
        }
        if (value instanceof Instant i) {
            return SPARK_STYLE.format(i.atZone(zone()));
        }
        if (value instanceof LocalDateTime l) {
            return SPARK_STYLE.format(l);
        }
        return value == null ? null : value.toString();
    }

    private ZoneId zone() {
        if (zone == null) {
            zone = ZoneId.of(timeZone);
        }
        return zone;
    }
}
