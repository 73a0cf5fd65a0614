package dev.promptrelay;

import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The names of promptrelay's settings, so that a misspelt one ({@code promptrelay.inbx}) stops the start naming the
 * closest real one instead of being silently ignored while its default applies.
 */
public final class SettingNames {

    /** Settings promptrelay reads that have no default: set by promptrelay itself, or by the starter. */
    private static final Set<String> WITHOUT_DEFAULT = Set.of("promptrelay.cluster.node", "promptrelay.enabled");
    /** Settings whose names the user makes up: a schedule's. */
    private static final Pattern SCHEDULE = Pattern.compile(
            "promptrelay\\.schedules\\.[A-Za-z0-9_-]+\\.(cron|prompt|prompt-file|misfire|name)");
    private static final Pattern SCHEDULE_VARIABLE = Pattern.compile(
            "PROMPTRELAY_SCHEDULES_[A-Z0-9_]+_(CRON|PROMPT|PROMPT_FILE|MISFIRE|NAME)");
    /** An intake's and an outlet's settings: names the user makes up too. */
    private static final Pattern ENDPOINT = Pattern.compile(
            "promptrelay\\.(intake\\.[A-Za-z0-9_-]+\\.(uri|failed-uri|format)|outlet\\.[A-Za-z0-9_-]+\\.(uri|intake|provider|summaries|sidecars))");
    private static final Pattern ENDPOINT_VARIABLE = Pattern.compile(
            "PROMPTRELAY_(INTAKE_[A-Z0-9_]+_(URI|FAILED_URI|FORMAT)|OUTLET_[A-Z0-9_]+_(URI|INTAKE|PROVIDER|SUMMARIES|SIDECARS))");
    private static final String ENV_PREFIX = "PROMPTRELAY_";

    private final Set<String> known;

    private SettingNames(Set<String> known) {
        this.known = known;
    }

    /** The settings promptrelay reads: its defaults' names, and those it reads without a default. */
    public static SettingNames promptrelays() {
        Set<String> known = new TreeSet<>(WITHOUT_DEFAULT);
        PromptRelaySettings.defaults().stringPropertyNames().stream().filter(k -> k.startsWith("promptrelay."))
                .forEach(known::add);
        return new SettingNames(known);
    }

    /** The names with those of each provider profile's own settings. */
    public SettingNames withProviders(java.util.Collection<String> ids) {
        Set<String> all = new TreeSet<>(known);
        for (String id : ids) {
            for (String setting : PROFILE_SETTINGS) {
                all.add("promptrelay." + id + "." + setting);
            }
        }
        return new SettingNames(all);
    }

    /** The settings a provider profile's provider reads, as a built-in provider does. */
    public static final List<String> PROFILE_SETTINGS = List.of("base-url", "api-key", "model", "max-concurrent",
            "requests-per-minute", "webhook-secret", "typical-task-seconds");

    /**
     * @param given setting names the application gives (other prefixes are ignored), each with where it was given
     * @throws IllegalStateException for the first that promptrelay does not read, naming the closest that it does
     */
    public void check(Map<String, String> given) {
        new TreeSet<>(given.keySet()).stream().filter(k -> k.startsWith("promptrelay.")).filter(k -> !reads(k))
                .findFirst().ifPresent(unknown -> {
                    throw new IllegalStateException("promptrelay has no setting " + unknown + " (" + given.get(unknown)
                                                    + ")" + closest(unknown).map(c -> ": did you mean " + c + "?")
                                                            .orElse(": see docs/settings.md"));
                });
    }

    /** The same for environment variables: PROMPTRELAY_INBOX names promptrelay.inbox; others are not promptrelay's. */
    public void checkEnvironment(Map<String, String> environment) {
        new TreeSet<>(environment.keySet()).stream().filter(v -> v.startsWith(ENV_PREFIX))
                .filter(v -> known.stream().noneMatch(k -> variable(k).equals(v)) && !SCHEDULE_VARIABLE.matcher(v).matches()
                             && !ENDPOINT_VARIABLE.matcher(v).matches())
                .findFirst().ifPresent(unknown -> {
                    throw new IllegalStateException("the environment variable " + unknown + " names no promptrelay "
                                                    + "setting" + closest(unknown.toLowerCase(Locale.ROOT).replace('_', '.'))
                                                            .map(c -> ": did you mean " + variable(c) + " (" + c + ")?")
                                                            .orElse(": see docs/settings.md"));
                });
    }

    boolean reads(String key) {
        return known.contains(key) || SCHEDULE.matcher(key).matches() || ENDPOINT.matcher(key).matches();
    }

    /** The setting whose name is nearest (fewest letters changed), when it is near enough to be meant. */
    Optional<String> closest(String unknown) {
        String plain = unknown.toLowerCase(Locale.ROOT).replace('-', '.');
        return known.stream().min(Comparator.comparingInt(k -> distance(plain, k.replace('-', '.'))))
                .filter(k -> distance(plain, k.replace('-', '.')) <= Math.max(2, unknown.length() / 4));
    }

    /** The environment variable Camel and Spring Boot read a setting from. */
    static String variable(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    /** Levenshtein distance. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    Collection<String> known() {
        return known;
    }
}
