package dev.promptrelay.prompt;

/**
 * A prompt file that cannot be turned into jobs: says where (file, line, field), what is wrong and how to fix it.
 */
public class PromptFileException extends RuntimeException {

    private final String file;
    private final Integer line;
    private final String field;
    private final String fix;

    public PromptFileException(String file, Integer line, String field, String problem, String fix) {
        super(problem);
        this.file = file;
        this.line = line;
        this.field = field;
        this.fix = fix;
    }

    public String file() {
        return file;
    }

    public Integer line() {
        return line;
    }

    public String field() {
        return field;
    }

    public String fix() {
        return fix;
    }

    /** One line for logs: {@code cat.txt line 3, field prompt: too long (2300 characters)}. */
    public String location() {
        StringBuilder where = new StringBuilder(file);
        if (line != null) {
            where.append(" line ").append(line);
        }
        if (field != null) {
            where.append(line != null ? ", field " : " field ").append(field);
        }
        return where.toString();
    }

    @Override
    public String toString() {
        return location() + ": " + getMessage();
    }
}
