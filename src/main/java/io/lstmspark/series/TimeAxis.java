package io.lstmspark.series;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;

/**
 * Timestamps as numbers on one axis, for measuring gaps and stepping forecasts: microseconds for timestamps,
 * days for dates, the value itself for integer columns.
 */
public final class TimeAxis {

    private TimeAxis() {
    }

    public static long of(Object timestamp) {
        if (timestamp instanceof Timestamp t) {
            return Math.addExact(Math.multiplyExact(Math.floorDiv(t.getTime(), 1000L), 1_000_000L),
                    t.getNanos() / 1000);
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

    /**
     * {@code timestamp} moved {@code amount} along the axis (microseconds, days or the integer's own unit),
     * of the same Java type; an integer timestamp that would leave its type's range fails.
     */
    public static Object plus(Object timestamp, long amount) {
        if (timestamp instanceof Timestamp t) {
            return Timestamp.from(t.toInstant().plus(amount, ChronoUnit.MICROS));
        }
        if (timestamp instanceof Instant i) {
            return i.plus(amount, ChronoUnit.MICROS);
        }
        if (timestamp instanceof LocalDateTime l) {
            return l.plus(amount, ChronoUnit.MICROS);
        }
        if (timestamp instanceof Date d) {
            return Date.valueOf(d.toLocalDate().plusDays(amount));
        }
        if (timestamp instanceof LocalDate d) {
            return d.plusDays(amount);
        }
        if (timestamp instanceof Long l) {
            return Math.addExact(l, amount);
        }
        if (timestamp instanceof Integer i) {
            return Math.toIntExact(Math.addExact(i.longValue(), amount));
        }
        if (timestamp instanceof Short s) {
            return narrowed(Math.addExact(s.longValue(), amount), Short.MIN_VALUE, Short.MAX_VALUE).shortValue();
        }
        if (timestamp instanceof Byte b) {
            return narrowed(Math.addExact(b.longValue(), amount), Byte.MIN_VALUE, Byte.MAX_VALUE).byteValue();
        }
        throw new IllegalArgumentException("a " + timestamp.getClass().getSimpleName() + " timestamp cannot be moved");
    }

    private static Long narrowed(long value, long min, long max) {
        if (value < min || value > max) {
            throw new ArithmeticException(value + " is out of range [" + min + ", " + max + "]");
        }
        return value;
    }
}
