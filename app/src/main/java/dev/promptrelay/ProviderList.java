package dev.promptrelay;

import java.io.PrintStream;
import java.util.List;

import dev.promptrelay.provider.ProviderProfile;
import dev.promptrelay.provider.ProviderProfiles;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * What {@code java -jar promptrelay.jar --providers} prints: every provider, built in or from a profile, its models
 * and whether its key is set, read from the same settings a start reads, without starting anything.
 */
final class ProviderList {

    private ProviderList() {
    }

    /** @return the exit code: 0, or 1 when a profile cannot be read (its mistake printed) */
    static int print(PrintStream out) throws Exception {
        // only read through, never started: nothing to stop afterwards
        DefaultCamelContext context = new DefaultCamelContext();
        {
            context.getPropertiesComponent().setInitialProperties(PromptRelaySettings.defaults());
            context.getPropertiesComponent().setLocation("file:application.properties;optional=true");
            PromptRelaySettings settings = PromptRelaySettings.of(context);
            List<ProviderProfile> profiles;
            try {
                profiles = ProviderProfiles.load(context, settings.text("promptrelay.providers-dir"), System::getenv);
            } catch (IllegalStateException e) {
                out.println("promptrelay could not read its providers: " + e.getMessage());
                return 1;
            }
            out.printf("%-12s %-9s %s%n", "PROVIDER", "KEY", "FROM");
            for (String id : List.of("modelscope", "modellix", "scenario")) {
                boolean key = !settings.text("promptrelay." + id + ".api-key", "").isBlank();
                out.printf("%-12s %-9s %s%n", id, key ? "set" : "not set", "built in");
                out.printf("%-22s models: %s (default)%n", "", settings.text("promptrelay." + id + ".model", ""));
            }
            for (ProviderProfile profile : profiles) {
                String prefix = "promptrelay." + profile.id() + ".";
                String key = settings.text(prefix + "api-key", "");
                String fromEnv = profile.keyEnv() == null ? null : System.getenv(profile.keyEnv());
                boolean keySet = !key.isBlank() || fromEnv != null && !fromEnv.isBlank();
                String model = settings.text(prefix + "model", profile.model() == null ? "" : profile.model());
                List<String> others = profile.models().keySet().stream().filter(m -> !m.equals(model)).toList();
                out.printf("%-12s %-9s %s%n", profile.id(), keySet ? "set" : "not set", profile.file());
                out.printf("%-22s models: %s%n", "", (model.isEmpty() ? "(no default: jobs name theirs)" : model + " (default)")
                                                     + (others.isEmpty() ? "" : ", " + String.join(", ", others)));
                if (!keySet) {
                    out.printf("%-22s to use it, set %s%n", "", profile.keyEnv() == null ? prefix + "api-key"
                            : profile.keyEnv() + " (or " + prefix + "api-key)");
                }
            }
            out.println();
            out.println("Your own providers: one YAML file each in " + settings.text("promptrelay.providers-dir")
                        + "/ (promptrelay.providers-dir); see docs/providers.md.");
            return 0;
        }
    }
}
