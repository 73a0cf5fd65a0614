package dev.promptrelay.output;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Locale;

/**
 * Splitting, cleaning, fitting and quoting file names the same way everywhere.
 */
public final class FileNames {

    private static final int MAX_NAME_CHARS = 100;
    /** The longest file name, in bytes, that the usual file systems take. */
    public static final int MAX_NAME_BYTES = 255;

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

    /**
     * The name itself when it still fits the file system with {@code reserveBytes} more bytes appended (a suffix
     * such as {@code .error.json} or {@code -2}); otherwise its start, a short hash of the whole name and its
     * extension, so two long names that start alike stay apart.
     */
    public static String fitting(String name, int reserveBytes) {
        int budget = MAX_NAME_BYTES - reserveBytes;
        if (utf8Length(name) <= budget) {
            return name;
        }
        String extension = extension(name);
        String suffix = "~" + HexFormat.of().formatHex(sha256(name), 0, 4)
                        + (extension.isEmpty() || utf8Length(extension) > 16 ? "" : "." + extension);
        StringBuilder start = new StringBuilder();
        String base = extension.isEmpty() ? name : base(name);
        int room = budget - utf8Length(suffix);
        for (int i = 0; i < base.length(); ) {
            int codePoint = base.codePointAt(i);
            String next = new String(Character.toChars(codePoint));
            if (utf8Length(start.toString()) + utf8Length(next) > room) {
                break;
            }
            start.append(next);
            i += Character.charCount(codePoint);
        }
        return start + suffix;
    }

    /**
     * A name as a log line shows it: in double quotes, with quotes, backslashes, line breaks and other control or
     * invisible formatting characters escaped, so no file name can split a line or forge one.
     */
    public static String quoted(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder text = new StringBuilder(name.length() + 2).append('"');
        name.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> text.append("\\\"");
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                case '\t' -> text.append("\\t");
                default -> {
                    int type = Character.getType(c);
                    if (type == Character.CONTROL || type == Character.FORMAT || type == Character.LINE_SEPARATOR
                        || type == Character.PARAGRAPH_SEPARATOR || type == Character.UNASSIGNED
                        || type == Character.SURROGATE) {
                        text.append(String.format("\\u%04x", c));
                    } else {
                        text.appendCodePoint(c);
                    }
                }
            }
        });
        return text.append('"').toString();
    }

    private static int utf8Length(String text) {
        return text.getBytes(StandardCharsets.UTF_8).length;
    }

    private static byte[] sha256(String text) {
        try {
            return java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no SHA-256", e);
        }
    }
}
