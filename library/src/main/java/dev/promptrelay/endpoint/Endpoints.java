package dev.promptrelay.endpoint;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.promptrelay.PromptRelaySettings;
import dev.promptrelay.journal.OutletJournal;
import dev.promptrelay.prompt.PromptFileReader;
import org.apache.camel.CamelContext;

/**
 * The intakes and outlets the settings declare: {@code promptrelay.intake.<name>.uri} and
 * {@code promptrelay.outlet.<name>.uri}, as many as the user names, given in the settings, as -D options or as
 * environment variables ({@code PROMPTRELAY_INTAKE_<NAME>_URI}). A mistake stops the start with what to write.
 */
public final class Endpoints {

    /** The sources a request may have besides an intake, which an outlet's {@code intake} filter may name too. */
    public static final Set<String> OWN_SOURCES = Set.of("inbox", "api", "embedded", "schedule");
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,47}");
    private static final Pattern VARIABLE = Pattern.compile("PROMPTRELAY_(INTAKE|OUTLET)_([A-Z0-9_]+)_URI");

    private Endpoints() {
    }

    public static List<Intake> intakes(CamelContext context, PromptRelaySettings settings) {
        List<Intake> intakes = new ArrayList<>();
        for (String name : declared(context, "intake")) {
            String key = "promptrelay.intake." + name;
            String uri = settings.text(key + ".uri", "");
            if (uri.isBlank()) {
                continue;
            }
            checkName("intake", name);
            if (OWN_SOURCES.contains(name)) {
                throw new IllegalStateException(key + ".uri: '" + name + "' is the name of promptrelay's own "
                                                + "source of requests; give this intake another name");
            }
            String format = settings.text(key + ".format", "").toLowerCase(Locale.ROOT).replaceFirst("^\\.", "");
            if (!format.isEmpty() && !PromptFileReader.FORMATS.contains(format)) {
                throw new IllegalStateException(key + ".format is '" + format + "': it must be one of "
                                                + String.join(", ", PromptFileReader.FORMATS));
            }
            intakes.add(new Intake(name, uri, settings.text(key + ".failed-uri", ""), format));
        }
        return intakes;
    }

    public static List<Outlet> outlets(CamelContext context, PromptRelaySettings settings, Set<String> intakeNames,
                                       Set<String> providers) {
        List<Outlet> outlets = new ArrayList<>();
        for (String name : declared(context, "outlet")) {
            String key = "promptrelay.outlet." + name;
            String uri = settings.text(key + ".uri", "");
            if (uri.isBlank()) {
                continue;
            }
            checkName("outlet", name);
            Set<String> intakes = list(settings.text(key + ".intake", ""));
            for (String intake : intakes) {
                if (!intakeNames.contains(intake) && !OWN_SOURCES.contains(intake)) {
                    throw new IllegalStateException(key + ".intake names '" + intake + "', which is no intake: use "
                                                    + "the names of promptrelay.intake.<name>.uri settings, or inbox, "
                                                    + "api, embedded, schedule");
                }
            }
            Set<String> outletProviders = list(settings.text(key + ".provider", ""));
            for (String provider : outletProviders) {
                if (!providers.contains(provider)) {
                    throw new IllegalStateException(key + ".provider names '" + provider + "', which is no provider: "
                                                    + "use one of " + String.join(", ", new TreeSet<>(providers)));
                }
            }
            String summaries = settings.text(key + ".summaries", "true");
            if (!summaries.equalsIgnoreCase("true") && !summaries.equalsIgnoreCase("false")) {
                throw new IllegalStateException(key + ".summaries is '" + summaries + "': it must be true or false");
            }
            String sidecars = settings.text(key + ".sidecars", String.valueOf(Outlet.keepsFiles(uri)));
            if (!sidecars.equalsIgnoreCase("true") && !sidecars.equalsIgnoreCase("false")) {
                throw new IllegalStateException(key + ".sidecars is '" + sidecars + "': it must be true or false");
            }
            outlets.add(new Outlet(name, uri, new OutletJournal.Outlet(name, intakes, outletProviders,
                    Boolean.parseBoolean(summaries)), Boolean.parseBoolean(sidecars)));
        }
        return outlets;
    }

    /** The names of {@code promptrelay.<kind>.<name>.uri} settings, wherever given. */
    private static Set<String> declared(CamelContext context, String kind) {
        String prefix = "promptrelay." + kind + ".";
        Set<String> names = new TreeSet<>();
        List<String> keys = new ArrayList<>(context.getPropertiesComponent().loadProperties(k -> k.startsWith(prefix))
                .stringPropertyNames());
        keys.addAll(System.getProperties().stringPropertyNames());
        for (String key : keys) {
            if (key.startsWith(prefix) && key.endsWith(".uri") && key.length() > prefix.length() + 4) {
                names.add(key.substring(prefix.length(), key.length() - 4).replaceFirst("\\.failed$", ""));
            }
        }
        for (String variable : System.getenv().keySet()) {
            Matcher m = VARIABLE.matcher(variable);
            if (m.matches() && m.group(1).equalsIgnoreCase(kind) && !m.group(2).endsWith("_FAILED")) {
                names.add(m.group(2).toLowerCase(Locale.ROOT).replace('_', '-'));
            }
        }
        return names;
    }

    private static void checkName(String kind, String name) {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalStateException("promptrelay." + kind + "." + name + ".uri: an " + kind + "'s name is "
                                            + "lower-case letters, digits and dashes (it names a route and the "
                                            + "requests' source), such as 'orders' or 'sftp-prompts'");
        }
    }

    private static Set<String> list(String value) {
        Set<String> items = new LinkedHashSet<>();
        Arrays.stream(value.split(",")).map(String::strip).filter(s -> !s.isEmpty()).forEach(items::add);
        return items;
    }
}
