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
 * @param stateDir this node's own: the embedded journal, its lock, its id, results waiting for the outbox
 * @param shared   what every node on one journal must reach: prompt files in progress and input pictures (the
 *                 state dir when there is one node)
 * @param node     this node's id; prompt files it has taken but not journaled yet are its own
 */
public record Folders(Path inbox, Path outbox, Path archive, Path failed, Path stateDir, Path shared, String node) {

    /** Prompt files whose jobs are journaled, each in a folder of its own: {@code <id>/<name as dropped>}. */
    public Path held() {
        return shared.resolve("in-progress");
    }

    /**
     * Prompt files this node took from the inbox and has not journaled yet: nothing of them was submitted. On the
     * same file system as the inbox, in a cluster too, so taking a file is one atomic move that only one node wins.
     */
    public Path incoming() {
        return node.isEmpty() ? allIncoming() : allIncoming().resolve(node);
    }

    /** Every node's incoming folder, and those of a version before nodes (folders named by a random id). */
    public Path allIncoming() {
        return held().resolve(".incoming");
    }

    /** Copies of local input pictures, by content: the node that submits a job may not be the one that read it. */
    public Path inputImages() {
        return shared.resolve("input-images");
    }

    /** Results downloaded while the outbox could not take them, until it can. */
    public Path staged() {
        return stateDir.resolve("staged");
    }

    /** Every folder exists before a route starts (the inbox only where there is a drop folder). */
    /** Whether the outbox or the archive holds anything: results of earlier runs. */
    public boolean holdEarlierResults() {
        for (Path folder : java.util.List.of(outbox, archive)) {
            try (java.util.stream.Stream<Path> entries = java.nio.file.Files.list(folder)) {
                if (entries.anyMatch(e -> !e.getFileName().toString().startsWith("."))) {
                    return true;
                }
            } catch (java.io.IOException e) {
                // not there (a new installation), or not readable: nothing to say from it
            }
        }
        return false;
    }

    public Folders create(boolean withInbox) throws IOException {
        if (withInbox) {
            Files.createDirectories(inbox);
        }
        for (Path dir : new Path[] {outbox, archive, failed, stateDir, shared, held(), incoming(), inputImages(), staged()}) {
            Files.createDirectories(dir);
        }
        // the state dir is this node's own and is made again (the journal is written back into it); these may be a share
        for (Path root : new Path[] {withInbox ? inbox : null, outbox, archive, failed, shared.equals(stateDir) ? null : shared}) {
            if (root != null) {
                dev.promptrelay.output.AtomicFiles.neverRecreate(root);
            }
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

    /** Relative paths resolve against the working directory. One node: everything shared is in the state dir. */
    public static Folders of(String inbox, String outbox, String archive, String failed, String stateDir) {
        Path state = absolute(stateDir);
        return new Folders(absolute(inbox), absolute(outbox), absolute(archive), absolute(failed), state, state, "");
    }

    /** This node among others: what they share in {@code sharedDir} (blank: the state dir), its own id. */
    public Folders forNode(String sharedDir, String nodeId) {
        return new Folders(inbox, outbox, archive, failed, stateDir,
                sharedDir == null || sharedDir.isBlank() ? stateDir : absolute(sharedDir), nodeId);
    }

    private static Path absolute(String setting) {
        return Path.of(setting).toAbsolutePath().normalize();
    }
}
