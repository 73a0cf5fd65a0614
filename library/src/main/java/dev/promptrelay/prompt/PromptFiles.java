package dev.promptrelay.prompt;

import java.io.File;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import com.fasterxml.jackson.databind.ObjectWriter;
import dev.promptrelay.Json;
import dev.promptrelay.Folders;
import dev.promptrelay.journal.Job;
import dev.promptrelay.journal.JobEntries;
import dev.promptrelay.journal.PromptFileJournal;
import dev.promptrelay.journal.JobState;
import dev.promptrelay.journal.PromptFileRecord;
import dev.promptrelay.output.AtomicFiles;
import dev.promptrelay.output.FileNames;
import dev.promptrelay.output.OutputWriter;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.promptrelay.output.FileNames.quoted;

/**
 * The life of a prompt file: taken out of the inbox and held while its jobs run, then moved to the archive, or to
 * failed/ with an error file beside it saying what went wrong and what to do. Never deleted.
 *
 * <p>A file taken from the inbox waits in {@code in-progress/.incoming/<id>/} until it is journaled, then in
 * {@code in-progress/<id>/}: after a stop, the first kind goes back to the inbox (nothing of it was submitted), and
 * of the second kind the journal knows every one; a held file it does not know had its jobs journaled in a journal
 * since lost, so it is never submitted again on its own.
 */
public class PromptFiles {

    public static final String NAME = "promptFileName";
    public static final String HELD = "promptFileHeld";
    /** How the holding folder of a file an intake took from its endpoint starts. */
    private static final String FROM_ENDPOINT = "endpoint-";

    private static final Logger LOG = LoggerFactory.getLogger(PromptFiles.class);
    private static final java.util.regex.Pattern LEGACY_INCOMING =
            java.util.regex.Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** Files up to this many jobs get a progress line for every job; bigger ones one a second. */
    static final int PROGRESS_LINE_EVERY_JOB = 50;
    /** Room a name in failed/ leaves for {@code -NNN.error.json}. */
    private static final int FAILED_SUFFIX_BYTES = ".error.json".length() + 4;
    private static final ObjectWriter JSON = Json.INDENTED;

    /** The holding folders of files taken in while recovery at start has not run yet: it must not touch them. */
    private final Set<String> heldHere = ConcurrentHashMap.newKeySet();
    private volatile boolean recovered;

    private final Folders folders;
    private final PromptFileJournal journal;
    private final InputImages images;
    private final long settleMillis;
    private final boolean resubmitUnjournaled;
    /** Files with jobs ended since their summary was last written. */
    private final Set<String> inProgress = ConcurrentHashMap.newKeySet();
    /** Found once per file: finding it reads the summaries already in the outbox. */
    private final Map<String, Path> summaryPaths = new ConcurrentHashMap<>();
    /** Summary names chosen by prompt files whose summary is not written yet. */
    private final Set<Path> summaryNamesTaken = ConcurrentHashMap.newKeySet();
    private final Map<String, Instant> lastProgressLine = new ConcurrentHashMap<>();
    /** One writer at a time per file: an in-progress summary must never overwrite the final one. */
    /** Prompt files that cannot be moved now, with why: the held-files health check reports them. */
    private final Map<String, Stuck> stuck = new ConcurrentHashMap<>();

    /** Why a prompt file cannot be moved, as of when it was last tried. */
    private record Stuck(String why, Instant at) {
    }
    /** Striped: a lock per prompt file, never dropped while a thread may still wait on it. */
    private final Object[] locks = java.util.stream.Stream.generate(Object::new).limit(256).toArray();
    /** Files whose jobs all ended but that the archive or failed/ could not take yet. */
    private final Set<String> unclosed = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicInteger archivedSinceStart = new java.util.concurrent.atomic.AtomicInteger();
    private final java.util.concurrent.atomic.AtomicInteger failedSinceStart = new java.util.concurrent.atomic.AtomicInteger();
    /** Problems already logged, so a file that stays stuck is reported once, not at every poll. */
    private final Set<String> reported = ConcurrentHashMap.newKeySet();

    /** How the prompt files that ended since this process started ended. */
    public record Outcomes(int archived, int failed) {
    }

    public Outcomes outcomesSinceStart() {
        return new Outcomes(archivedSinceStart.get(), failedSinceStart.get());
    }

    public PromptFiles(Folders folders, PromptFileJournal journal, InputImages images, long settleMillis,
                       boolean resubmitUnjournaled) {
        this.folders = folders;
        this.journal = journal;
        this.images = images;
        this.settleMillis = settleMillis;
        this.resubmitUnjournaled = resubmitUnjournaled;
    }

    /**
     * Moves the file just picked up from the inbox into a folder of its own in the state directory, where it stays
     * while its jobs run. Anything but a plain file (a symbolic link, say) is never taken: it is left to
     * {@link InboxEntries}, which moves it to failed/ unread.
     */
    public Path takeIn(Exchange exchange) throws IOException, InvalidPayloadException {
        File file = exchange.getMessage().getMandatoryBody(File.class);
        Path source = file.toPath();
        String name = file.getName();
        exchange.getMessage().setHeader(NAME, name);
        if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
            exchange.setRouteStop(true);
            return null;
        }
        Path target = newHoldingFolder().resolve(name);
        try {
            AtomicFiles.move(source, target);
        } catch (java.nio.file.NoSuchFileException gone) {
            // another node on the same inbox took it first (the move is atomic on one file system), or it was removed
            LOG.debug("{} is no longer in the inbox: taken by another node, or removed", quoted(name));
            removeEmptyFolderOf(target);
            exchange.setRouteStop(true);
            return null;
        } catch (IOException refused) {
            // the held folder cannot take it now (permissions, a lost mount): nothing is wrong with the file itself
            stuck.put("intake:" + name, new Stuck(quoted(name) + " waits in the inbox: " + folders.incoming()
                                                  + " cannot take it now (" + refused + ")", Instant.now()));
            if (reported.add("intake:" + name)) {
                LOG.warn("{} cannot be taken in now: {} refused it ({}); it stays in the inbox and is taken once that "
                         + "folder takes files", quoted(name), folders.incoming(), refused.toString());
            }
            exchange.setRouteStop(true);
            return null;
        }
        if (stuck.remove("intake:" + name) != null) {
            reported.remove("intake:" + name);
        }
        reported.remove(name);
        exchange.getMessage().setHeader(HELD, target);
        exchange.setProperty(PromptFileReading.PROPERTY, new PromptFileReading(target, name, settleMillis));
        return target;
    }

    /** Holds a prompt file that arrived by other means than the inbox (the HTTP API), as the inbox would. */
    public Path hold(String name, byte[] content) throws IOException {
        Path target = newHoldingFolder().resolve(name);
        AtomicFiles.write(target, content);
        return target;
    }

    /**
     * Holds a message or remote file an intake took from its endpoint. Until it is journaled its endpoint keeps it too
     * (not yet acknowledged), so one a stop leaves here is removed at the next start rather than sent to the inbox:
     * the endpoint delivers it again.
     */
    public Path holdFromEndpoint(String name, byte[] content) throws IOException {
        Path target = newHoldingFolder(FROM_ENDPOINT).resolve(name);
        AtomicFiles.write(target, content);
        return target;
    }

    /** A folder of its own for a file this process takes in; recovery at start leaves such folders alone. */
    private Path newHoldingFolder() {
        return newHoldingFolder("");
    }

    private Path newHoldingFolder(String prefix) {
        String id = prefix + UUID.randomUUID();
        if (!recovered) {
            heldHere.add(id);
        }
        return folders.incoming().resolve(id);
    }

    /** A held request that turned out invalid: the caller still has it, so nothing is kept. */
    public void discard(Path heldFile) throws IOException {
        Files.deleteIfExists(heldFile);
        removeEmptyFolderOf(heldFile);
    }

    /** The intake route's file, once read: its jobs journaled. */
    public PromptFileRecord accept(Exchange exchange) throws IOException {
        PromptFileReading reading = exchange.getProperty(PromptFileReading.PROPERTY, PromptFileReading.class);
        @SuppressWarnings("unchecked")
        List<JobSpec> jobs = exchange.getMessage().getBody(List.class);
        return accept(reading.file(), reading.name(), reading.sha256(), jobs);
    }

    /**
     * Keeps the jobs' local pictures and journals the file and its jobs in one step; from here on they survive a
     * restart.
     */
    public PromptFileRecord accept(Path heldFile, String name, String sha256, List<JobSpec> jobs) throws IOException {
        return accept(heldFile, name, sha256, jobs, null, PromptFileJournal.Source.INBOX);
    }

    /** As {@link #accept(Path, String, String, List)}, for a request that came from elsewhere than the inbox. */
    public PromptFileRecord accept(Path heldFile, String name, String sha256, List<JobSpec> jobs,
                                   PromptFileJournal.Source source) throws IOException {
        return accept(heldFile, name, sha256, jobs, null, source);
    }

    private PromptFileRecord accept(Path heldFile, String name, String sha256, List<JobSpec> jobs, String outputFolder,
                                    PromptFileJournal.Source source) throws IOException {
        List<JobSpec> kept = images.keep(jobs, name);
        // a schedule's fires repeat on purpose; a file dropped (or posted) again is run again, and paid again
        PromptFileRecord earlier = outputFolder == null ? journal.earlierWithContent(sha256) : null;
        PromptFileRecord record = journal.acceptPromptFile(name, folders.heldName(heldFile), sha256, kept, outputFolder,
                source);
        if (earlier != null) {
            LOG.warn("{} has the same content as {}, taken in at {} (request {}): its {} job(s) run again and are paid "
                     + "again. If that was not meant, cancel it with DELETE /api/jobs/{}", quoted(name),
                    quoted(earlier.name()), earlier.receivedAt(), earlier.id(), jobs.size(), record.id());
        }
        Path folder = heldFile.getParent();
        if (folder.startsWith(folders.incoming())) {
            AtomicFiles.move(folder, folders.held().resolve(folder.getFileName()));
        }
        LOG.info("{}: {} job(s) queued", quoted(name), jobs.size());
        return record;
    }

    /**
     * A prompt file made by promptrelay itself (a schedule's fire): held and journaled at once, its outputs, summary
     * and archived copy in the folder it shares with the other fires; one that cannot become jobs goes to that folder
     * in failed/ with its error file, as a dropped file would.
     *
     * @return the journaled file, or null when it was rejected
     */
    public PromptFileRecord acceptMade(String name, byte[] content, String outputFolder, PromptFileReader reader)
            throws IOException {
        Path heldFile = hold(name, content);
        try {
            List<JobSpec> jobs = reader.parse(content, content.length, name);
            return accept(heldFile, name, AtomicFiles.sha256Of(new java.io.ByteArrayInputStream(content)), jobs,
                    outputFolder, new PromptFileJournal.Source("schedule", null));
        } catch (PromptFileException bad) {
            Map<String, Object> report = new LinkedHashMap<>();
            report.put("file", name);
            report.put("error", bad.getMessage());
            report.put("line", bad.line());
            report.put("field", bad.field());
            report.put("what_to_do", bad.fix());
            report.put("jobs_submitted", 0);
            report.put("rejected_at", Instant.now().toString());
            Path target = moveToFailed(heldFile, name, folders.failed().resolve(outputFolder), report);
            removeEmptyFolderOf(heldFile);
            listRejected(name, report, target + ".error.json");
            LOG.warn("{} rejected, nothing submitted: {} at {} ({}); see {}", quoted(name), bad.getMessage(),
                    bad.location(), bad.fix(), quoted(target + ".error.json"));
            return null;
        }
    }

    /** A file that could not become jobs: to failed/ with the reason, nothing submitted. */
    public Path reject(Exchange exchange) throws IOException {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String name = exchange.getMessage().getHeader(NAME, String.class);
        Path heldFile = exchange.getMessage().getHeader(HELD, Path.class);
        if (name == null || heldFile == null) {
            // it could not even be taken out of the inbox: it stays there, is tried again, and is reported once
            if (reported.add("take:" + name)) {
                LOG.error("{} could not be taken from the inbox {} and stays there: {}", quoted(name), folders.inbox(),
                        cause == null ? "" : cause.getMessage());
            }
            return null;
        }
        return rejectHeld(heldFile, name, rejectionReport(name, cause, "drop the file into the inbox again"));
    }

    /** A held file that could not become jobs, with its report: to failed/, listed as rejected. */
    public Path rejectHeld(Path heldFile, String name, Map<String, Object> report) throws IOException {
        Path target = moveToFailed(heldFile, name, report);
        removeEmptyFolderOf(heldFile);
        listRejected(name, report, target + ".error.json");
        return target;
    }

    /**
     * What failed/ says of a file that could not become jobs (and logs it): the error with its line and field and what
     * to do, or for an unexpected failure, where to look and {@code sendAgain}.
     */
    public Map<String, Object> rejectionReport(String name, Exception cause, String sendAgain) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("file", name);
        if (cause instanceof PromptFileException bad) {
            report.put("error", bad.getMessage());
            report.put("line", bad.line());
            report.put("field", bad.field());
            report.put("what_to_do", bad.fix());
            LOG.warn("{} rejected, nothing submitted: {} ({})", quoted(name), bad.getMessage() + " at "
                                                                         + bad.location(), bad.fix());
        } else {
            report.put("error", "the file could not be processed: " + (cause == null ? "unknown cause" : cause.getMessage()));
            report.put("what_to_do", "check the log around this time, then " + sendAgain);
            LOG.error("{} could not be processed, nothing submitted", quoted(name), cause);
        }
        report.put("jobs_submitted", 0);
        report.put("rejected_at", Instant.now().toString());
        return report;
    }

    /**
     * A rejected file is listed in the API and the gallery as a rejected request is, after it is safe where its error
     * report says: a journal that cannot record it now costs the listing, never the file.
     */
    public void listRejected(String name, Map<String, Object> report, String errorReport) {
        String error = String.valueOf(report.get("error"));
        Object line = report.get("line");
        Object field = report.get("field");
        if (line != null || field != null) {
            error += " (" + (line != null ? "line " + line : "") + (line != null && field != null ? ", " : "")
                     + (field != null ? "field " + field : "") + ")";
        }
        try {
            journal.recordRejectedRequest(name, error, (String) report.get("what_to_do"));
        } catch (RuntimeException e) {
            LOG.warn("{} is not listed in the API and gallery: the journal could not record its rejection ({}); its "
                     + "error report {} says it all", quoted(name), e.getMessage(), quoted(errorReport));
        }
    }

    /**
     * Something in the inbox that is never read (a symbolic link, a pipe, a hidden or unnameable file): to failed/,
     * under a name that can be used, with an error file saying why.
     */
    public Path failUnread(Path entry, String name, String problem, String fix) throws IOException {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("file", name);
        report.put("error", problem);
        report.put("what_to_do", fix);
        report.put("jobs_submitted", 0);
        report.put("rejected_at", Instant.now().toString());
        Path target = moveToFailed(entry, FileNames.safe(name, "unnamed"), report);
        listRejected(name, report, target + ".error.json");
        LOG.warn("{} in the inbox was not read: {}; moved to {} ({})", quoted(name), problem, quoted(target.toString()),
                fix);
        return target;
    }

    /**
     * Called as each job ends: once every job of its prompt file has ended, moves the file to the archive when all
     * succeeded, or to failed/ with an error file listing what failed and what to do. A file that changed after it
     * was read goes to failed/ too: what was added later did not run, and is kept.
     */
    public Path closeIfDone(String promptFileId) throws IOException {
        synchronized (lockOf(promptFileId)) {
            PromptFileRecord file = journal.closeIfEnded(promptFileId);
            if (file == null) {
                return null;
            }
            inProgress.remove(promptFileId);
            Path heldFile = folders.held(file.held());
            boolean held;
            try {
                held = AtomicFiles.present(heldFile);
            } catch (AtomicFiles.WriteFailed e) {
                // its folder cannot be read now (permissions, a lost mount): never taken for gone, looked at again
                keepHeld(promptFileId, file, "its held file " + quoted(heldFile.toString()) + " cannot be read now ("
                                             + e.getCause() + "); it is looked at again every second and moved once "
                                             + "it can be");
                return null;
            }
            if (!held && !Files.isDirectory(folders.held())) {
                // the shared folder itself is away (an unmounted share): the file is not gone, only out of reach
                keepHeld(promptFileId, file, "the folder it is held in, " + quoted(folders.held().toString())
                                             + ", is not there (is the share mounted?); it is looked at again every "
                                             + "second and moved once it is back");
                return null;
            }
            List<Job> jobs = journal.jobsOf(promptFileId);
            long failedJobs = jobs.stream().filter(j -> j.state() != JobState.SUCCEEDED).count();
            Map<String, List<String>> outputPaths = outputPathsOf(promptFileId);
            int outputs = JobEntries.count(outputPaths);
            List<Map<String, Object>> jobEntries = JobEntries.of(journal, jobs, outputPaths);
            String changed = changedSinceRead(heldFile, file, jobs);
            writeSummary(file, jobEntries, failedJobs, outputs, failedJobs == 0 && changed == null ? "succeeded" : "failed",
                    changed);
            Path destination = null;
            String state = failedJobs == 0 && changed == null ? "archived" : "failed";
            try {
                if (!held) {
                    // moved out just before a stop, before the journal heard of it
                    LOG.warn("{}: done, but the held file {} is gone; see the archive and failed/", quoted(file.name()),
                            quoted(heldFile.toString()));
                } else if (state.equals("archived")) {
                    String name = FileNames.fitting(file.name(), 4);
                    destination = AtomicFiles.unusedPath(within(folders.archive(), file), FileNames.base(name),
                            FileNames.extension(name));
                    AtomicFiles.move(heldFile, destination);
                    archivedSinceStart.incrementAndGet();
                    LOG.info("{}: done, {} file(s) written for {} job(s); archived as {}", quoted(file.name()), outputs,
                            jobs.size(), quoted(destination.getFileName().toString()));
                } else if (changed != null) {
                    destination = moveToFailed(heldFile, file.name(), within(folders.failed(), file), jobsReport(file, changed, "the jobs below are "
                            + "what ran, each with its line and outputs; drop a file holding only the prompts that did "
                            + "not run. Write prompt files elsewhere and move them into the inbox when complete",
                            jobEntries));
                    LOG.warn("{}: {}; see {}", quoted(file.name()), changed, quoted(destination + ".error.json"));
                } else if (jobs.stream().allMatch(j -> j.state() == JobState.SUCCEEDED
                                                        || j.state() == JobState.CANCELLED)) {
                    destination = moveToFailed(heldFile, file.name(), within(folders.failed(), file), jobsReport(file, failedJobs + " of " + jobs.size()
                            + " job(s) were cancelled through the HTTP API", "POST /api/jobs/" + file.id() + "/retry "
                            + "runs them after all; each job below says whether it had been submitted", jobEntries));
                    LOG.warn("{}: {} of {} job(s) cancelled; see {}", quoted(file.name()), failedJobs, jobs.size(),
                            quoted(destination + ".error.json"));
                } else {
                    Path failedDir = within(folders.failed(), file);
                    destination = moveToFailed(heldFile, file.name(), failedDir, jobsReport(file, failedJobs + " of "
                            + jobs.size() + " job(s) did not produce their output",
                            redoOnlyTheFailed(file, jobs, failedDir), jobEntries));
                    LOG.warn("{}: {} of {} job(s) failed ({} file(s) written); see {}", quoted(file.name()),
                            failedJobs, jobs.size(), outputs, quoted(destination + ".error.json"));
                }
            } catch (IOException e) {
                // the archive or failed/ cannot take it now: it stays held, and is moved once the folder can take it
                keepHeld(promptFileId, file, "it cannot be moved to " + (state.equals("archived") ? folders.archive()
                        : folders.failed()) + " (" + e + "); it stays in " + quoted(heldFile.toString())
                                             + " and is moved once that folder takes files");
                return null;
            }
            reported.remove("close:" + promptFileId);
            stuck.remove(promptFileId);
            removeEmptyFolderOf(heldFile);
            Path summary = summaryPaths.get(promptFileId);
            journal.markPromptFileEnded(promptFileId, state, destination == null ? null
                    : (state.equals("archived") ? folders.archive() : folders.failed()).relativize(destination).toString(),
                    summary == null || !Files.isRegularFile(summary) ? null : folders.outputName(summary));
            summaryPaths.remove(promptFileId);
            lastProgressLine.remove(promptFileId);
            return destination;
        }
    }

    /** A done file that cannot be moved out now stays held, is looked at again, and keeps the health check DOWN. */
    private void keepHeld(String promptFileId, PromptFileRecord file, String why) {
        journal.reopenPromptFile(promptFileId);
        unclosed.add(promptFileId);
        stuck.put(promptFileId, new Stuck(file.name() + ": " + why, Instant.now()));
        if (reported.add("close:" + promptFileId)) {
            LOG.warn("{}: done, but {}", quoted(file.name()), why);
        }
    }

    /** Prompt files that cannot be moved now, with why: done ones out of their held folder, new ones into it. */
    public java.util.Collection<String> stuck() {
        // a file waiting in the inbox is tried at every poll of it: one not tried for a while was removed by its user
        Instant recently = Instant.now().minusSeconds(10);
        stuck.entrySet().removeIf(e -> e.getKey().startsWith("intake:") && e.getValue().at().isBefore(recently));
        return stuck.values().stream().map(Stuck::why).toList();
    }

    /**
     * A request whose jobs run again (a retry): its prompt file comes back from the archive or failed/ (its error
     * file, which described the old outcome, goes) to be held until they end.
     *
     * @param outcome where it went, as journaled; null while it was still held
     */
    public void reopen(PromptFileRecord file, String outcome) throws IOException {
        if (outcome == null) {
            return;
        }
        Path held = folders.held(file.held());
        for (Path folder : List.of(folders.failed(), folders.archive())) {
            Path moved = folder.resolve(outcome);
            if (Files.exists(moved, LinkOption.NOFOLLOW_LINKS) && !Files.exists(held, LinkOption.NOFOLLOW_LINKS)) {
                AtomicFiles.move(moved, held);
                Files.deleteIfExists(errorFileOf(moved));
                LOG.info("{}: its failed jobs run again; the file is held until they end", quoted(file.name()));
                return;
            }
        }
    }

    /**
     * At start, the held files as the journal left them: those taken in but not journaled go back to the inbox
     * (nothing of them was submitted); those journaled just before the stop move on to the held folder; held files
     * the journal does not know (it was deleted, truncated or restored from a backup) are not submitted again on
     * their own, since their jobs may have been paid for: they go to failed/ with an error file that says so, or back
     * to the inbox with {@code promptrelay.resubmit-unjournaled=true}.
     */
    public int recoverHeld() throws IOException {
        Set<String> known = journal.heldFiles();
        Set<String> knownNames = ConcurrentHashMap.newKeySet();
        known.stream().filter(k -> Path.of(k).isAbsolute()).forEach(k -> knownNames.add(Path.of(k).getFileName().toString()));
        int returned = 0;
        for (Path folder : list(folders.incoming())) {
            // taken in by this process while recovery runs: not a leftover of the last stop
            if (!heldHere.contains(folder.getFileName().toString())) {
                returned += settleIncoming(folders.incoming(), folder, known).size();
            }
        }
        if (!folders.incoming().equals(folders.allIncoming())) {
            // taken in by a version before nodes: folders named by a random id right under .incoming, journaled by it
            // relative to .incoming
            for (Path folder : list(folders.allIncoming())) {
                if (LEGACY_INCOMING.matcher(folder.getFileName().toString()).matches()) {
                    returned += settleIncoming(folders.allIncoming(), folder, known).size();
                }
            }
        }
        if (returned > 0) {
            LOG.info("{} prompt file(s) taken in before the last stop but not journaled went back to the inbox", returned);
        }
        int unknown = 0;
        for (Path entry : list(folders.held())) {
            if (entry.equals(folders.allIncoming()) || heldHere.contains(entry.getFileName().toString())) {
                continue;
            }
            if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                for (Path file : list(entry)) {
                    // asked again for this one: another node may have journaled and moved it in since
                    if (!known.contains(folders.heldName(file)) && !journal.heldFiles().contains(folders.heldName(file))) {
                        unjournaled(file, file.getFileName().toString());
                        unknown++;
                    }
                }
                removeEmptyFolder(entry);
            } else if (!knownNames.contains(entry.getFileName().toString())) {
                // held by an earlier version as <id>-<name>
                unjournaled(entry, entry.getFileName().toString().replaceFirst("^[0-9a-f-]{36}-", ""));
                unknown++;
            }
        }
        recovered = true;
        heldHere.clear();
        return returned + unknown;
    }

    /**
     * The prompt files nodes took from the inbox but had not journaled when they were lost (not seen for two leases):
     * back to the inbox, since nothing of them was submitted; one journaled just before moves on to the held folder.
     * A node that was only out of touch journals nothing new (see PromptFileJournal), so no file is taken in twice.
     */
    public int returnIncomingOf(List<String> lostNodes) throws IOException {
        int returned = 0;
        for (String node : lostNodes) {
            Path nodeIncoming = folders.allIncoming().resolve(node);
            if (node.isBlank() || !nodeIncoming.normalize().getParent().equals(folders.allIncoming())
                || !Files.isDirectory(nodeIncoming, LinkOption.NOFOLLOW_LINKS)) {
                continue;
            }
            Set<String> known = journal.heldFiles();
            for (Path folder : list(nodeIncoming)) {
                for (Path back : settleIncoming(nodeIncoming, folder, known)) {
                    LOG.info("{} was taken in by node {}, which is gone, before it was journaled: back in the inbox",
                            quoted(back.getFileName().toString()), node);
                    returned++;
                }
            }
            removeEmptyFolder(nodeIncoming);
        }
        return returned;
    }

    /**
     * A folder {@code <root>/<id>/} a node took a file into: journaled just before the node stopped (the journal names
     * it relative to the root), it moves on to the held folder; otherwise its file goes back to the inbox, since
     * nothing of it was submitted. Returns where the files went in the inbox.
     */
    private List<Path> settleIncoming(Path root, Path folder, Set<String> known) throws IOException {
        List<Path> returned = new ArrayList<>();
        for (Path file : list(folder)) {
            if (known.contains(root.relativize(file).toString())) {
                AtomicFiles.move(folder, folders.held().resolve(folder.getFileName()));
                return returned;
            }
            try {
                if (folder.getFileName().toString().startsWith(FROM_ENDPOINT)) {
                    // its endpoint never heard it was taken and delivers it again: a copy in the inbox would run twice
                    Files.delete(file);
                    LOG.info("{} came from an intake and was not journaled before the stop: its endpoint delivers it "
                             + "again", quoted(file.getFileName().toString()));
                    continue;
                }
                returned.add(backToInbox(file, file.getFileName().toString()));
            } catch (java.nio.file.NoSuchFileException gone) {
                // its node is back and moved it on itself
            }
        }
        removeEmptyFolder(folder);
        return returned;
    }

    private void unjournaled(Path file, String name) throws IOException {
        if (resubmitUnjournaled) {
            Path back = backToInbox(file, name);
            LOG.warn("{} was in progress but the journal has no record of it; back in the inbox as {} since "
                     + "promptrelay.resubmit-unjournaled is true (its jobs may be paid for twice)", quoted(name),
                    quoted(back.getFileName().toString()));
            return;
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("file", name);
        report.put("error", "the file was in progress, but the job journal has no record of it (the journal was "
                            + "deleted, damaged or restored from an older backup): its jobs may have been submitted and "
                            + "paid for, or not");
        report.put("what_to_do", "look for its prompts in your providers' task lists and for its outputs in "
                                 + folders.outbox() + "; to run it again anyway, move this file into the inbox, or "
                                 + "start once with promptrelay.resubmit-unjournaled=true");
        report.put("outcome", "unknown");
        report.put("found_at", Instant.now().toString());
        Path target = moveToFailed(file, name, report);
        LOG.warn("{} was in progress but the journal has no record of it: not submitted again, moved to {}; see its "
                 + "error file", quoted(name), quoted(target.toString()));
    }

    private Path backToInbox(Path file, String name) throws IOException {
        String fitted = FileNames.fitting(name, 4);
        Path target = AtomicFiles.unusedPath(folders.inbox(), FileNames.base(fitted), FileNames.extension(fitted));
        AtomicFiles.move(file, target);
        return target;
    }

    /** Null when the held file is what was read; otherwise what changed, for the error file. */
    private String changedSinceRead(Path heldFile, PromptFileRecord file, List<Job> jobs) {
        try {
            if (!Files.isRegularFile(heldFile, LinkOption.NOFOLLOW_LINKS)
                || AtomicFiles.sha256Of(heldFile).equals(file.sha256())) {
                return null;
            }
        } catch (IOException e) {
            LOG.warn("{}: the held file could not be read to see whether it changed: {}", quoted(file.name()),
                    e.getMessage());
            return null;
        }
        int lastLine = jobs.stream().map(j -> j.spec().line()).filter(java.util.Objects::nonNull)
                .mapToInt(Integer::intValue).max().orElse(0);
        return "the file changed after it was read: its " + jobs.size() + " job(s) ran from the version read (the "
               + "last prompt that ran is on line " + lastLine + "), what was added or changed later did not run";
    }

    /** The error file of a file whose jobs ran: what went wrong, what to do, and each job as it ended. */
    private static Map<String, Object> jobsReport(PromptFileRecord file, String error, String whatToDo,
                                                  List<Map<String, Object>> jobEntries) {
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("file", file.name());
        report.put("error", error);
        report.put("what_to_do", whatToDo);
        report.put("jobs", jobEntries);
        report.put("failed_at", Instant.now().toString());
        return report;
    }

    /**
     * As each job ends: a progress line in the log ({@code "batch.txt": 7/20 done, 1 failed, ~40 s left}), for a big
     * file at most one a second (its jobs are counted only then); its summary file is brought up to date by
     * {@link #refreshSummaries()}.
     */
    public void progress(String promptFileId) {
        PromptFileRecord file = journal.promptFileRecord(promptFileId);
        if (file == null) {
            return;
        }
        // its summary is rewritten at the next refresh, unless the file is closed by then
        inProgress.add(promptFileId);
        Instant now = Instant.now();
        Instant last = lastProgressLine.get(promptFileId);
        if (file.jobCount() <= PROGRESS_LINE_EVERY_JOB || last == null || !now.isBefore(last.plusSeconds(1))) {
            PromptFileJournal.JobCounts counts = journal.jobCounts(promptFileId);
            if (counts.ended() == counts.total() || counts.ended() == 0) {
                return;
            }
            lastProgressLine.put(promptFileId, now);
            long elapsed = java.time.Duration.between(file.receivedAt(), now).toSeconds();
            long left = elapsed * (counts.total() - counts.ended()) / counts.ended();
            LOG.info("{}: {}/{} done, {} failed, ~{} s left", quoted(file.name()), counts.ended(), counts.total(),
                    counts.failed(), left);
        }
    }

    /**
     * Rewrites the summary of every file with jobs ended since the last call and others still running: a big file
     * is summed up once a second, not once per job. Files done that could not be moved out are tried again.
     */
    public void refreshSummaries() throws IOException {
        for (String promptFileId : List.copyOf(unclosed)) {
            unclosed.remove(promptFileId);
            closeIfDone(promptFileId);
        }
        for (String promptFileId : List.copyOf(inProgress)) {
            synchronized (lockOf(promptFileId)) {
                if (!inProgress.remove(promptFileId)) {
                    continue;
                }
                PromptFileRecord file = journal.promptFileRecord(promptFileId);
                // closing or closed: the final summary is written, or about to be, by closeIfDone
                if (file == null || !file.state().equals("open")) {
                    continue;
                }
                List<Job> jobs = journal.jobsOf(promptFileId);
                long failedJobs = jobs.stream().filter(j -> j.state().ended() && j.state() != JobState.SUCCEEDED).count();
                Map<String, List<String>> outputPaths = outputPathsOf(promptFileId);
                writeSummary(file, JobEntries.of(journal, jobs, outputPaths), failedJobs, JobEntries.count(outputPaths),
                        "in-progress", null);
            }
        }
    }

    /** Each job's outputs as paths in the outbox, by job id. */
    private Map<String, List<String>> outputPathsOf(String promptFileId) {
        Map<String, List<String>> paths = new LinkedHashMap<>();
        journal.outputPathsOf(promptFileId).forEach((job, journaled) ->
                paths.put(job, journaled.stream().map(p -> folders.output(p).toString()).toList()));
        return paths;
    }

    /**
     * {@code <outbox>/<base>.summary.json}: what a prompt file asked for and what came of each job. A summary that
     * cannot be written (a full or read-only outbox) is reported once and tried again at the next change: the
     * prompt file's own life goes on.
     */
    private void writeSummary(PromptFileRecord file, List<Map<String, Object>> jobEntries, long failedJobs,
                              int outputs, String outcome, String error) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("file", file.name());
        summary.put("id", file.id());
        summary.put("outcome", outcome);
        summary.put("sandbox", jobEntries.stream().anyMatch(e -> Boolean.TRUE.equals(e.get("sandbox"))));
        if (error != null) {
            summary.put("error", error);
        }
        summary.put("jobs_total", jobEntries.size());
        summary.put("jobs_succeeded", jobEntries.size() - failedJobs);
        summary.put("jobs_failed", failedJobs);
        summary.put("files_written", outputs);
        summary.put("received_at", String.valueOf(file.receivedAt()));
        summary.put("ended_at", Instant.now().toString());
        summary.put("jobs", jobEntries);
        try {
            Path path = summaryPaths.get(file.id());
            if (path == null) {
                path = summaryPath(file);
                summaryPaths.put(file.id(), path);
            }
            AtomicFiles.write(path, JSON.writeValueAsBytes(summary));
            // written: the file itself now keeps its name from others
            summaryNamesTaken.remove(path);
            reported.remove("summary:" + file.id());
        } catch (IOException e) {
            if (reported.add("summary:" + file.id())) {
                LOG.warn("{}: its summary could not be written to the outbox {}: {}", quoted(file.name()),
                        folders.outbox(), e.toString());
            }
        }
    }

    private Object lockOf(String promptFileId) {
        return locks[Math.floorMod(promptFileId.hashCode(), locks.length)];
    }

    /** A change to a prompt file's jobs and where the file is. */
    @FunctionalInterface
    public interface Change<T> {
        T apply() throws IOException;
    }

    /**
     * Makes a change to a prompt file's jobs (a caller's cancel or retry) with no close of that file in between: a
     * retry racing the close that a cancel started would find the file neither held nor moved out yet.
     */
    public <T> T changingJobsOf(String promptFileId, Change<T> change) throws IOException {
        synchronized (lockOf(promptFileId)) {
            return change.apply();
        }
    }

    /** The summary file of this prompt file: the one already written for it, or a name no other file took. */
    private Path summaryPath(PromptFileRecord file) throws IOException {
        String base = OutputWriter.folderFor(file.name());
        Path dir = file.outputFolder() == null ? folders.outbox() : folders.outbox().resolve(file.outputFolder());
        // two files of one name taken at once would both find the same name free: the first to choose takes it
        synchronized (summaryNamesTaken) {
            for (int n = 1; ; n++) {
                Path candidate = dir.resolve(base + (n == 1 ? "" : "-" + n) + ".summary.json");
                if (!Files.exists(candidate, LinkOption.NOFOLLOW_LINKS)) {
                    if (summaryNamesTaken.add(candidate)) {
                        return candidate;
                    }
                } else if (Files.isRegularFile(candidate, LinkOption.NOFOLLOW_LINKS)
                           && file.id().equals(Json.MAPPER.readTree(candidate.toFile()).path("id").asText())) {
                    return candidate;
                }
            }
        }
    }

    /** To failed/ under its name (shortened where it would not fit), or with -2, -3... when taken. */
    /**
     * What to do about a file whose jobs partly failed, without paying again for those that succeeded: the retry call,
     * or a prompt file holding only the failed prompts, written for the user beside the failed file. Jobs whose result
     * may exist at the provider (a result made but not fetched, a submit's outcome unknown) are left out of that file:
     * redoing them may pay twice for one image, which only the user may decide.
     */
    private String redoOnlyTheFailed(PromptFileRecord file, List<Job> jobs, Path failedDir) throws IOException {
        // the same rule as the retry's ?pay-again=true
        java.util.Set<String> paidBefore = journal.paidBefore(file.id());
        List<Job> notPaid = jobs.stream().filter(j -> j.state() == JobState.FAILED && !paidBefore.contains(j.id()))
                .toList();
        List<Job> mayBePaid = jobs.stream().filter(j -> j.state() != JobState.SUCCEEDED && j.state() != JobState.CANCELLED
                                                        && !notPaid.contains(j)).toList();
        StringBuilder advice = new StringBuilder("the jobs that succeeded have their files in the outbox: redo only "
                                                 + "the failed ones. Read each failed job's error and next step below; ");
        if (!notPaid.isEmpty()) {
            StringBuilder lines = new StringBuilder();
            for (Job job : notPaid) {
                Map<String, Object> fields = new LinkedHashMap<>();
                Json.MAPPER.convertValue(job.spec(), Map.class).forEach((key, value) -> {
                    if (value != null && JobFields.NAMES.contains(String.valueOf(key)) && !"count".equals(key)) {
                        fields.put(String.valueOf(key), value);
                    }
                });
                lines.append(Json.MAPPER.writeValueAsString(fields)).append('\n');
            }
            Files.createDirectories(failedDir);
            Path redo = AtomicFiles.unusedPath(failedDir, FileNames.base(FileNames.fitting(file.name(), 40))
                                                          + ".failed-prompts", "jsonl");
            AtomicFiles.write(redo, lines.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            advice.append("then move ").append(redo.getFileName()).append(" (in failed/, the ").append(notPaid.size())
                    .append(" failed prompt(s)) into the inbox, or call POST /api/jobs/")
                    .append(file.id()).append("/retry");
        } else {
            advice.append("then call POST /api/jobs/").append(file.id()).append("/retry");
        }
        if (!mayBePaid.isEmpty()) {
            advice.append(". Job(s) ").append(String.join(", ", mayBePaid.stream().map(j -> "#" + j.seq()).toList()))
                    .append(" may have a result at the provider (see task_id): look for it in your account there "
                            + "before redoing them, which pays again (the retry call asks for ?pay-again=true)");
        }
        return advice.toString();
    }

    private Path moveToFailed(Path source, String name, Map<String, Object> report) throws IOException {
        return moveToFailed(source, name, folders.failed(), report);
    }

    private Path moveToFailed(Path source, String name, Path dir, Map<String, Object> report) throws IOException {
        String fitted = FileNames.fitting(name, FAILED_SUFFIX_BYTES);
        String base = FileNames.base(fitted);
        String extension = FileNames.extension(fitted);
        Path target = dir.resolve(fitted);
        for (int n = 2; Files.exists(target, LinkOption.NOFOLLOW_LINKS) || Files.exists(errorFileOf(target)); n++) {
            target = dir.resolve(base + "-" + n + (extension.isEmpty() ? "" : "." + extension));
        }
        AtomicFiles.write(errorFileOf(target), JSON.writeValueAsBytes(report));
        try {
            AtomicFiles.move(source, target);
        } catch (IOException e) {
            Files.deleteIfExists(errorFileOf(target));
            throw e;
        }
        failedSinceStart.incrementAndGet();
        return target;
    }

    /** The archive or failed/, or the folder a group of prompt files (a schedule's fires) shares in it. */
    private static Path within(Path folder, PromptFileRecord file) {
        return file.outputFolder() == null ? folder : folder.resolve(file.outputFolder());
    }

    private static Path errorFileOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".error.json");
    }

    /** The folder a held file had to itself, once the file has left it. */
    private void removeEmptyFolderOf(Path heldFile) {
        Path folder = heldFile.getParent();
        if (folder != null && !folder.equals(folders.held()) && !folder.equals(folders.incoming())
            && (folder.startsWith(folders.held()))) {
            removeEmptyFolder(folder);
        }
    }

    private static void removeEmptyFolder(Path folder) {
        try {
            Files.deleteIfExists(folder);
        } catch (IOException e) {
            // not empty (a file appeared) or not ours to remove: it stays, nothing is lost
            LOG.debug("{} stays: {}", folder, e.toString());
        }
    }

    private static List<Path> list(Path dir) throws IOException {
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return List.of();
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            List<Path> all = new java.util.ArrayList<>();
            entries.forEach(all::add);
            return all;
        }
    }
}
