package dev.promptrelay.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The heap as the application's own GC log tells it ({@code -Xlog:gc}): used before each collection (garbage
 * included) and live after it. Read afterwards, so measuring costs the application nothing.
 */
final class GcLog {

    /** {@code [12.345s][info][gc] GC(3) Pause Young (Normal) (G1 Evacuation Pause) 24M->3M(256M) 2.345ms} */
    private static final Pattern COLLECTION = Pattern.compile(
            "^\\[(\\d+[.,]\\d+)s].*?(\\d+)([KMG])->(\\d+)([KMG])\\((\\d+)([KMG])\\)");

    private record Collection(double uptime, double beforeMb, double afterMb) {
    }

    private GcLog() {
    }

    /** "peak used / peak live" in MB over the collections between two uptimes. */
    static String heap(Path log, double fromUptime, double toUptime) throws IOException {
        List<Collection> window = collections(log).stream()
                .filter(c -> c.uptime() >= fromUptime && c.uptime() <= toUptime).toList();
        if (window.isEmpty()) {
            return "no collection";
        }
        return String.format(Locale.ROOT, "%.0f / %.0f", window.stream().mapToDouble(Collection::beforeMb).max().orElse(0),
                window.stream().mapToDouble(Collection::afterMb).max().orElse(0));
    }

    /** How far used and live heap rose between two uptimes over the live heap just before. */
    static String growth(Path log, double fromUptime, double toUptime) throws IOException {
        List<Collection> all = collections(log);
        double before = all.stream().filter(c -> c.uptime() < fromUptime).mapToDouble(Collection::afterMb)
                .reduce((first, second) -> second).orElse(0);
        List<Collection> window = all.stream().filter(c -> c.uptime() >= fromUptime && c.uptime() <= toUptime).toList();
        if (window.isEmpty()) {
            return "no collection";
        }
        return String.format(Locale.ROOT, "+%.0f / +%.0f over %.0f live",
                window.stream().mapToDouble(Collection::beforeMb).max().orElse(0) - before,
                Math.max(0, window.stream().mapToDouble(Collection::afterMb).max().orElse(0) - before), before);
    }

    /** How many collections the log shows after an uptime. */
    static long collectionsAfter(Path log, double uptime) throws IOException {
        return collections(log).stream().filter(c -> c.uptime() > uptime).count();
    }

    private static List<Collection> collections(Path log) throws IOException {
        List<Collection> collections = new ArrayList<>();
        if (!Files.exists(log)) {
            return collections;
        }
        for (String line : Files.readAllLines(log)) {
            Matcher m = COLLECTION.matcher(line);
            if (m.find()) {
                collections.add(new Collection(Double.parseDouble(m.group(1).replace(',', '.')),
                        mb(m.group(2), m.group(3)), mb(m.group(4), m.group(5))));
            }
        }
        return collections;
    }

    private static double mb(String value, String unit) {
        double v = Double.parseDouble(value);
        return switch (unit) {
            case "K" -> v / 1024;
            case "G" -> v * 1024;
            default -> v;
        };
    }
}
