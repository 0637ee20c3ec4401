package io.lstmspark.series;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** forecast_ts: a timestamp moved along its axis keeps its type. */
class TimeAxisTest {

    @Test
    void timestampsMoveByMicrosecondsAndKeepTheirType() {
        Timestamp t = Timestamp.from(Instant.parse("2026-03-01T23:00:00Z"));
        assertEquals(Timestamp.from(Instant.parse("2026-03-02T01:00:00Z")), TimeAxis.plus(t, 2 * 3_600_000_000L));
        assertEquals(LocalDateTime.parse("2026-03-01T00:15:00"),
                TimeAxis.plus(LocalDateTime.parse("2026-03-01T00:00:00"), 15 * 60_000_000L));
        assertEquals(Instant.parse("2026-03-01T00:00:01Z"),
                TimeAxis.plus(Instant.parse("2026-03-01T00:00:00Z"), 1_000_000L));
    }

    @Test
    void datesMoveByDays() {
        assertEquals(Date.valueOf("2026-03-03"), TimeAxis.plus(Date.valueOf("2026-02-28"), 3));
        assertEquals(LocalDate.parse("2026-03-03"), TimeAxis.plus(LocalDate.parse("2026-02-28"), 3));
    }

    @Test
    void integersMoveInTheirOwnUnitAndRefuseToLeaveTheirType() {
        assertEquals(190L, TimeAxis.plus(180L, 10));
        assertEquals(190, TimeAxis.plus(180, 10));
        assertEquals((short) 190, TimeAxis.plus((short) 180, 10));
        assertThrows(ArithmeticException.class, () -> TimeAxis.plus(Integer.MAX_VALUE, 1));
        assertThrows(ArithmeticException.class, () -> TimeAxis.plus((byte) 120, 10));
    }

    @Test
    void movingIsTheInverseOfTheAxis() {
        Timestamp t = Timestamp.from(Instant.parse("2026-03-01T00:00:00.123456Z"));
        assertEquals(TimeAxis.of(t) + 42, TimeAxis.of(TimeAxis.plus(t, 42)));
    }
}
