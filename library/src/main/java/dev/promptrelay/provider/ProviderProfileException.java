package dev.promptrelay.provider;

/**
 * A provider profile promptrelay cannot run: names the file, line and key, what is wrong and what to write instead.
 * It stops the start, before anything is submitted.
 */
public class ProviderProfileException extends IllegalStateException {

    private final String file;
    private final Integer line;
    private final String key;
    private final String fix;

    private final String problem;

    public ProviderProfileException(String file, Integer line, String key, String problem, String fix) {
        super(describe(file, line, key, problem, fix));
        this.problem = problem;
        this.file = file;
        this.line = line;
        this.key = key;
        this.fix = fix;
    }

    public String file() {
        return file;
    }

    public Integer line() {
        return line;
    }

    public String key() {
        return key;
    }

    public String fix() {
        return fix;
    }

    /** What is wrong, without where. */
    public String problem() {
        return problem;
    }

    /** {@code provider profile providers/acme.yaml line 12, status.path: '...' is not a JSONPath: write it like $.status}. */
    private static String describe(String file, Integer line, String key, String problem, String fix) {
        StringBuilder text = new StringBuilder("provider profile ").append(file);
        if (line != null && line > 0) {
            text.append(" line ").append(line);
        }
        if (key != null && !key.isEmpty()) {
            text.append(", ").append(key);
        }
        return text.append(": ").append(problem).append(": ").append(fix).toString();
    }
}
