package io.lstmspark.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code forecast.lookback} with {@code forecast.frequency}: how much history a forecast reads. Durations
 * are read tolerantly: HOCON's ({@code 1h}, {@code 15 minutes},
 * {@code 1d}) and pandas-like spellings ({@code 15min}, {@code 1H}, {@code 2 hrs}).
 *
 * @param frequency     the interval between steps
 * @param lookback      history before the cutoff given as a duration
 * @param lookbackSteps history before the cutoff given as a number of steps (times the frequency)
 */
public record ForecastLookback(Optional<Duration> frequency, Optional<Duration> lookback, OptionalLong lookbackSteps) {

    private static final Pattern AMOUNT = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([a-zA-Z]*)");
    private static final Pattern STEPS = Pattern.compile("(\\d+)\\s*(steps?)?");
    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("min", "minutes"), Map.entry("mins", "minutes"), Map.entry("t", "minutes"),
            Map.entry("hr", "hours"), Map.entry("hrs", "hours"), Map.entry("sec", "seconds"),
            Map.entry("secs", "seconds"));

    static ForecastLookback parse(Config c) {
        // A whole number is an integer timestamp's frequency (config.ForecastFrequency): no duration to look back by.
        Optional<Duration> frequency = text(c, "forecast.frequency").filter(t -> !t.strip().matches("\\d+"))
                .map(t -> duration("forecast.frequency", t));
        Optional<String> lookbackText = text(c, "forecast.lookback");
        Optional<Duration> lookback = Optional.empty();
        OptionalLong steps = OptionalLong.empty();
        if (lookbackText.isPresent()) {
            Matcher asSteps = STEPS.matcher(lookbackText.get().toLowerCase(Locale.ROOT));
            if (asSteps.matches()) {
                steps = OptionalLong.of(Long.parseLong(asSteps.group(1)));
                if (frequency.isEmpty()) {
                    throw new ConfigException("forecast.lookback = " + lookbackText.get() + " counts steps: set "
                            + "forecast.frequency (e.g. 1h) too, or give the lookback as a duration (e.g. 14d)");
                }
                if (steps.getAsLong() < 1) {
                    throw new ConfigException("forecast.lookback is " + lookbackText.get()
                            + "; it must be at least 1 step");
                }
            } else {
                lookback = Optional.of(duration("forecast.lookback", lookbackText.get()));
            }
        }
        return new ForecastLookback(frequency, lookback, steps);
    }

    /**
     * A positive duration, e.g. {@code 1h}, {@code 15 minutes}, {@code 15min}, {@code 1d}; else refused naming the key.
     */
    public static Duration duration(String key, String text) {
        String normalized = text.strip();
        Matcher amount = AMOUNT.matcher(normalized);
        if (amount.matches()) {
            String unit = amount.group(2).toLowerCase(Locale.ROOT);
            if (unit.isEmpty()) {
                throw new ConfigException(key + " is '" + text + "': give a unit, e.g. 1h, 1d, 15 minutes");
            }
            normalized = amount.group(1) + " " + UNITS.getOrDefault(unit, unit);
        }
        Duration duration;
        try {
            duration = ConfigFactory.parseMap(Map.of("d", normalized)).getDuration("d");
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException(key + " is '" + text + "', which is not a duration: write e.g. 1h, 1d, "
                    + "15 minutes", e);
        }
        if (duration.isZero() || duration.isNegative()) {
            throw new ConfigException(key + " is '" + text + "'; it must be longer than zero");
        }
        return duration;
    }

    /** The history a forecast window reads, from the lookback or {@code windowLength} steps of the frequency. */
    public Optional<Duration> history(int windowLength) {
        if (lookback.isPresent()) {
            return lookback;
        }
        if (frequency.isEmpty()) {
            return Optional.empty();
        }
        long steps = lookbackSteps.isPresent() ? lookbackSteps.getAsLong() : windowLength;
        // The window's first step is (length - 1) intervals before its last.
        return Optional.of(frequency.get().multipliedBy(Math.max(0, steps - 1)));
    }

    private static Optional<String> text(Config c, String key) {
        return c.hasPath(key) && !c.getString(key).isBlank() ? Optional.of(c.getString(key)) : Optional.empty();
    }
}
