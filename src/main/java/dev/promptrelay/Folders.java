package dev.promptrelay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where promptrelay keeps things, and how the journal names them: every path it journals is relative to the folder it
 * belongs to, so an installation moved while stopped resumes where it was.
 *
 * @param inbox    watched folder for prompt files
 * @param outbox   outputs, sidecars and summaries
 * @param archive  prompt files whose jobs all succeeded
 * @param failed   rejected or partly failed prompt files, with their error files
 * @param stateDir the journal, prompt files in progress, input pictures and results waiting for the outbox
 */
public record Folders(Path inbox, Path outbox, Path archive, Path failed, Path stateDir) {

    /** Prompt files whose jobs are journaled, each in a folder of its own: {@code <id>/<name as dropped>}. */
    public Path held() {
        return stateDir.resolve("in-progress");
    }

    /** Prompt files taken from the inbox and not journaled yet: nothing of them was submitted. */
    public Path incoming() {
        return held().resolve(".incoming");
    }

    /** Copies of local input pictures, by content. */
    public Path inputImages() {
        return stateDir.resolve("input-images");
    }

    /** Results downloaded while the outbox could not take them, until it can. */
    public Path staged() {
        return stateDir.resolve("staged");
    }

    /** Every folder exists before a route starts (the inbox only where there is a drop folder). */
    public Folders create(boolean withInbox) throws IOException {
        if (withInbox) {
            Files.createDirectories(inbox);
        }
        for (Path dir : new Path[] {outbox, archive, failed, stateDir, held(), incoming(), inputImages(), staged()}) {
            Files.createDirectories(dir);
        }
        return this;
    }

    /** How the journal names a held prompt file: relative to {@link #held()} or {@link #incoming()}. */
    public String heldName(Path file) {
        Path relative = file.startsWith(incoming()) ? incoming().relativize(file) : held().relativize(file);
        return relative.toString();
    }

    /** A held prompt file the journal names; one journaled by an earlier version, as an absolute path, by its name. */
    public Path held(String journaled) {
        Path stored = Path.of(journaled);
        if (stored.isAbsolute()) {
            return held().resolve(stored.getFileName());
        }
        Path file = held().resolve(stored);
        Path incomingFile = incoming().resolve(stored);
        return !Files.exists(file) && Files.exists(incomingFile) ? incomingFile : file;
    }

    /** How the journal names an output: {@code <folder>/<file>} inside the outbox. */
    public String outputName(Path file) {
        return outbox.relativize(file).toString();
    }

    /** An output the journal names; one journaled as an absolute path, by its last two parts (folder and file). */
    public Path output(String journaled) {
        Path stored = Path.of(journaled);
        if (stored.isAbsolute()) {
            int parts = stored.getNameCount();
            return outbox.resolve(parts >= 2 ? stored.subpath(parts - 2, parts) : stored.getFileName());
        }
        return outbox.resolve(stored);
    }

    /** A kept input picture the journal names by its file name; an absolute path from an earlier version too. */
    public Path inputImage(String journaled) {
        return inputImages().resolve(Path.of(journaled).getFileName());
    }

    /** Relative paths resolve against the working directory. */
    public static Folders of(String inbox, String outbox, String archive, String failed, String stateDir) {
        return new Folders(absolute(inbox), absolute(outbox), absolute(archive), absolute(failed), absolute(stateDir));
    }

    private static Path absolute(String setting) {
        return Path.of(setting).toAbsolutePath().normalize();
    }
}
