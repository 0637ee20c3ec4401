package io.lstmspark.series;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Timestamps as numbers on one axis, for measuring gaps: microseconds for timestamps, days for
 * dates, the value itself for integer columns.
 */
public final class TimeAxis {

    private TimeAxis() {
    }

    public static long of(Object timestamp) {
        if (timestamp instanceof Timestamp t) {
            return Math.addExact(Math.multiplyExact(Math.floorDiv(t.getTime(), 1000L), 1_000_000L), t.getNanos() / 1000);
        }
        if (timestamp instanceof Instant i) {
            return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1000);
        }
        if (timestamp instanceof LocalDateTime l) {
            return of(l.toInstant(ZoneOffset.UTC));
        }
        if (timestamp instanceof Date d) {
            return d.toLocalDate().toEpochDay();
        }
        if (timestamp instanceof LocalDate d) {
            return d.toEpochDay();
        }
        if (timestamp instanceof Long || timestamp instanceof Integer || timestamp instanceof Short
                || timestamp instanceof Byte) {
            return ((Number) timestamp).longValue();
        }
        throw new IllegalArgumentException("a " + timestamp.getClass().getSimpleName()
                + " timestamp has no numeric axis for gap detection");
    }
}
