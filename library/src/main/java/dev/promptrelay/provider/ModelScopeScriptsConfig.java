package dev.promptrelay.provider;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * The settings file of the existing ModelScope image-gen scripts, whose YAML front matter holds {@code api_key} and
 * {@code default_model}: read when no key is configured, so users of those scripts need no change.
 */
public final class ModelScopeScriptsConfig {

    private ModelScopeScriptsConfig() {
    }

    /** What the file provides. {@code model} is null when the file names none. */
    public record Found(String apiKey, String model) {
        @Override
        public String toString() {
            return "Found[model=" + model + "]";
        }
    }

    /** The key and default model from the file, or empty when the file is missing or names no key. */
    public static Optional<Found> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the ModelScope settings file " + file + ": " + e.getMessage(), e);
        }
        String[] lines = text.split("\r?\n", -1);
        if (lines.length == 0 || !lines[0].strip().equals("---")) {
            return Optional.empty();
        }
        StringBuilder frontMatter = new StringBuilder();
        for (int i = 1; i < lines.length && !lines[i].strip().equals("---"); i++) {
            frontMatter.append(lines[i]).append('\n');
        }
        Object parsed;
        try {
            parsed = new Load(LoadSettings.builder().build()).loadFromString(frontMatter.toString());
        } catch (YamlEngineException e) {
            // the message can quote the line holding the key, so it is left out
            throw new IllegalStateException("the front matter of " + file + " is not valid YAML; fix it or set "
                                            + "MODELSCOPE_API_KEY");
        }
        if (!(parsed instanceof Map<?, ?> settings) || settings.get("api_key") == null
            || settings.get("api_key").toString().isBlank()) {
            return Optional.empty();
        }
        Object model = settings.get("default_model");
        return Optional.of(new Found(settings.get("api_key").toString().strip(),
                model == null || model.toString().isBlank() ? null : model.toString().strip()));
    }
}
