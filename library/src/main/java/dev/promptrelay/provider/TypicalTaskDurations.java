package dev.promptrelay.provider;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a model's tasks are expected to take before enough of its own have ended: the typical duration the settings
 * give for the model or its provider ({@code promptrelay.<provider>.typical-task-seconds}), else what the provider's
 * other models took lately. Without either, a model's first tasks are polled at times a fifth apart.
 */
public final class TypicalTaskDurations {

    public static final String SETTING = "typical-task-seconds";
    /** How far a typical duration from the settings may be off: a factor of 1.6 either way is one standard deviation. */
    static final double SETTING_SPREAD = 0.5;
    /** How far another model of the same provider may be off: half or twice as long is within one. */
    static final double OTHER_MODELS_SPREAD = 0.7;
    /** The newest ends of a provider its other models are judged by. */
    public static final int OTHER_MODELS_SAMPLES = 200;
    private static final long OTHER_MODELS_MILLIS = 60_000;

    /** The settings' figures: per provider, the one for all its models (key "") and those for single models. */
    private final Map<String, Map<String, Double>> seconds;
    private final java.util.function.BiFunction<String, Boolean, Map<String, List<Long>>> recentByModel;
    private final Map<String, Looked> looked = new ConcurrentHashMap<>();

    private record Looked(Map<String, List<Long>> byModel, long at) {
    }

    /**
     * @param settings      each provider's {@code typical-task-seconds} setting (blank: none)
     * @param recentByModel a provider's newest ends by model, the sandbox's or its own, from the journal
     * @throws IllegalArgumentException naming the setting, when one is not written as it should be
     */
    public TypicalTaskDurations(Map<String, String> settings,
                                java.util.function.BiFunction<String, Boolean, Map<String, List<Long>>> recentByModel) {
        Map<String, Map<String, Double>> parsed = new LinkedHashMap<>();
        settings.forEach((provider, value) -> {
            Map<String, Double> figures = parse("promptrelay." + provider + "." + SETTING, value);
            if (!figures.isEmpty()) {
                parsed.put(provider, figures);
            }
        });
        this.seconds = Map.copyOf(parsed);
        this.recentByModel = recentByModel;
    }

    /**
     * {@code 20} (every model of the provider), {@code Tongyi-MAI/Z-Image-Turbo=8} (one model), or both, separated
     * by commas; blank: nothing is assumed.
     */
    static Map<String, Double> parse(String setting, String value) {
        Map<String, Double> figures = new LinkedHashMap<>();
        if (value == null || value.isBlank()) {
            return figures;
        }
        for (String part : value.split(",")) {
            String entry = part.trim();
            int equals = entry.lastIndexOf('=');
            String model = equals < 0 ? "" : entry.substring(0, equals).trim();
            String number = equals < 0 ? entry : entry.substring(equals + 1).trim();
            double figure;
            try {
                figure = Double.parseDouble(number);
            } catch (NumberFormatException e) {
                figure = Double.NaN;
            }
            if (!(figure > 0) || Double.isInfinite(figure) || equals == 0) {
                throw new IllegalArgumentException(setting + " = " + value + ": '" + entry + "' is not a number of "
                                                   + "seconds or model=seconds; write e.g. " + setting + " = 20, "
                                                   + "Tongyi-MAI/Z-Image-Turbo=8");
            }
            if (figures.put(model, figure) != null) {
                throw new IllegalArgumentException(setting + " = " + value + ": "
                                                   + (model.isEmpty() ? "two figures for every model" : model + " twice"));
            }
        }
        return figures;
    }

    /**
     * What the model's tasks are expected to take; null when nothing is known of them. The settings speak of the
     * provider itself: the sandbox's tasks are expected to take what its other ones did.
     */
    public PollPlan.Prior of(String provider, String model, boolean sandbox) {
        if (sandbox) {
            return otherModels(provider, model, true);
        }
        Map<String, Double> figures = seconds.getOrDefault(provider, Map.of());
        Double figure = figures.get(model);
        if (figure != null) {
            return new PollPlan.Prior(figure * 1000, SETTING_SPREAD, "promptrelay." + provider + "." + SETTING
                                                                      + " for " + model);
        }
        figure = figures.get("");
        if (figure != null) {
            return new PollPlan.Prior(figure * 1000, SETTING_SPREAD, "promptrelay." + provider + "." + SETTING);
        }
        return otherModels(provider, model, false);
    }

    /**
     * From the provider's other models: the median of their medians, and as unsure as they differ from each other
     * (at least {@link #OTHER_MODELS_SPREAD}).
     */
    private PollPlan.Prior otherModels(String provider, String model, boolean sandbox) {
        long now = System.nanoTime() / 1_000_000;
        String key = provider + (sandbox ? "\nsandbox" : "");
        Looked last = looked.get(key);
        if (last == null || now - last.at() > OTHER_MODELS_MILLIS) {
            last = new Looked(recentByModel.apply(provider, sandbox), now);
            // none yet is asked again next time: the first model of a provider may end its first task any moment
            if (!last.byModel().isEmpty()) {
                looked.put(key, last);
            }
        }
        double[] medians = last.byModel().entrySet().stream().filter(e -> !e.getKey().equals(model))
                .mapToDouble(e -> Math.log(Math.max(1, PollPlan.median(e.getValue())))).sorted().toArray();
        if (medians.length == 0) {
            return null;
        }
        double middle = medians.length % 2 == 1 ? medians[medians.length / 2]
                : (medians[medians.length / 2 - 1] + medians[medians.length / 2]) / 2;
        double spread = OTHER_MODELS_SPREAD;
        if (medians.length > 1) {
            double mean = java.util.Arrays.stream(medians).average().orElse(0);
            spread = Math.max(spread, Math.sqrt(java.util.Arrays.stream(medians).map(m -> (m - mean) * (m - mean))
                                                        .sum() / (medians.length - 1)));
        }
        return new PollPlan.Prior(Math.exp(middle), spread, String.format(Locale.ROOT, "%d other model(s) of %s%s",
                medians.length, provider, sandbox ? " in the sandbox" : ""));
    }
}
