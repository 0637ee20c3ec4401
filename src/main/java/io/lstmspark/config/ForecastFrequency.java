package io.lstmspark.config;

import com.typesafe.config.Config;
import java.io.Serializable;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code forecast.frequency}: the interval between a series' steps, a duration ({@code 1h}, {@code 1d},
 * {@code 15 minutes}) for timestamp and date columns, or a whole number for integer timestamps.
 *
 * @param text     as written
 * @param duration the duration, when the text has a unit
 * @param amount   the whole number, when it has none
 */
public record ForecastFrequency(String text, Optional<Duration> duration, OptionalLong amount) implements Serializable {

    /** The frequency at {@code key}, or empty when it is unset. */
    static Optional<ForecastFrequency> read(Config c, String key) {
        if (!c.hasPath(key) || c.getString(key).isBlank()) {
            return Optional.empty();
        }
        String text = c.getString(key).strip();
        if (text.matches("\\d+")) {
            long amount = Long.parseLong(text);
            if (amount == 0) {
                throw new ConfigException(key + " is 0; steps must be at least one unit apart");
            }
            return Optional.of(new ForecastFrequency(text, Optional.empty(), OptionalLong.of(amount)));
        }
        Duration duration = ForecastLookback.duration(key, text);
        return Optional.of(new ForecastFrequency(text, Optional.of(duration), OptionalLong.empty()));
    }
}
