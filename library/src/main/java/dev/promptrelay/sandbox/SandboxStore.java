package dev.promptrelay.sandbox;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;

/**
 * The sandbox's tasks on disk, one JSON line per task it accepts: started again on the same state directory, the
 * built-in sandbox knows the tasks it took before, as a live provider does, and runs them to their end. Without a
 * file (the sandbox run on its own, a test's stand-in) tasks live in memory only.
 */
final class SandboxStore {

    private final Path file;

    SandboxStore(Path file) {
        this.file = file;
    }

    static SandboxStore inMemory() {
        return new SandboxStore(null);
    }

    /** Records a task as it is accepted, before its id is answered. */
    synchronized void append(String provider, Map<String, Object> task) {
        if (file == null) {
            return;
        }
        Map<String, Object> line = new java.util.LinkedHashMap<>();
        line.put("provider", provider);
        line.putAll(task);
        try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND)) {
            out.write(SandboxServer.JSON.writeValueAsString(line));
            out.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException("the sandbox could not record its task in " + file, e);
        }
    }

    /** The tasks this provider's sandbox took before, oldest first; a line cut short by a kill is skipped. */
    synchronized List<Map<String, Object>> load(String provider) {
        List<Map<String, Object>> tasks = new ArrayList<>();
        if (file == null || !Files.exists(file)) {
            return tasks;
        }
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                try {
                    Map<String, Object> task = SandboxServer.JSON.readValue(line, new TypeReference<>() {
                    });
                    if (provider.equals(task.get("provider"))) {
                        tasks.add(task);
                    }
                } catch (IOException e) {
                    // the last line of a process killed while writing it: that task was never answered
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the sandbox could not read its tasks from " + file, e);
        }
        return tasks;
    }

    static long number(Map<String, Object> task, String field) {
        return ((Number) task.get(field)).longValue();
    }

    static String text(Map<String, Object> task, String field) {
        Object value = task.get(field);
        return value == null ? null : value.toString();
    }
}
