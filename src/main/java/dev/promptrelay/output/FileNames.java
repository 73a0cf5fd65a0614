package dev.promptrelay.output;

import java.util.Locale;

/**
 * Splitting and cleaning file names the same way everywhere.
 */
public final class FileNames {

    private static final int MAX_NAME_CHARS = 100;

    private FileNames() {
    }

    /** {@code cat} of {@code cat.txt}; a leading dot does not start an extension. */
    public static String base(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }

    /** {@code txt} of {@code cat.txt}, as written; empty when there is none. */
    public static String extension(String name) {
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(dot + 1) : "";
    }

    public static String lowerCaseExtension(String name) {
        return extension(name).toLowerCase(Locale.ROOT);
    }

    /** A name that cannot leave its folder: no separators, no leading dots, no control characters, bounded. */
    public static String safe(String name, String fallback) {
        String cleaned = name.replaceAll("[\\p{Cntrl}/\\\\:*?\"<>|]", "_").strip().replaceFirst("^\\.+", "");
        if (cleaned.length() > MAX_NAME_CHARS) {
            cleaned = cleaned.substring(0, MAX_NAME_CHARS);
        }
        return cleaned.isBlank() ? fallback : cleaned;
    }
}
