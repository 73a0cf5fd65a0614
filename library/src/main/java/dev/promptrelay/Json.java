package dev.promptrelay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;

/**
 * The one JSON mapper promptrelay reads and writes with: prompt files, the journal's job specs, provider answers, the
 * API and the files people read (sidecars, summaries, error files: indented).
 */
public final class Json {

    public static final ObjectMapper MAPPER = new ObjectMapper();
    /** For files people read: indented. */
    public static final ObjectWriter INDENTED = MAPPER.writerWithDefaultPrettyPrinter();

    private Json() {
    }
}
