package dev.promptrelay.schedule;

import java.nio.file.Path;

/**
 * One schedule from the settings: {@code promptrelay.schedules.<name>.*}.
 *
 * @param prompt     inline prompt text (in .txt form: one prompt per line, options allowed), or null
 * @param promptFile a prompt file in any supported format, or null
 * @param outputName the name of each fire's prompt file, and so of its outbox folder; may hold variables
 * @param catchUp    whether a fire missed while promptrelay was down is made up once at start
 */
public record Schedule(String name, String cron, String prompt, Path promptFile, String outputName,
        boolean catchUp) {
}
