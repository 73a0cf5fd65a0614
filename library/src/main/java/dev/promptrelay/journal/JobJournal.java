package dev.promptrelay.journal;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static dev.promptrelay.journal.JournalDatabase.IN_FLIGHT;
import static dev.promptrelay.journal.JournalDatabase.bind;
import static dev.promptrelay.journal.JournalDatabase.count;
import static dev.promptrelay.journal.JournalDatabase.insertUnlessRaced;
import static dev.promptrelay.journal.JournalDatabase.instant;
import static dev.promptrelay.journal.JournalDatabase.jobs;
import static dev.promptrelay.journal.JournalDatabase.now;
import static dev.promptrelay.journal.JournalDatabase.update;

/**
 * Each job's way through the journal: claimed within its provider's cap, submitting, running, completed, ended; a
 * caller's cancel and retry; and at start, what was under way. Each state change is written before the step that
 * depends on it, so a restart resumes instead of paying again.
 */
public class JobJournal {

    private static final Logger LOG = LoggerFactory.getLogger(JobJournal.class);

    /** Jobs claimed per provider in one go, however much room its cap leaves. */
    public static final int MAX_CLAIM = 100;

    private final JournalDatabase db;
    private final Map<String, Integer> maxConcurrentByProvider;
    /** This node: its id marks the jobs it works on, each for as long as its lease, renewed while it runs. */
    private final String node;
    private final java.time.Duration lease;
    /** When this node last renewed its leases: cancels made on other nodes since then are picked up. */
    private volatile OffsetDateTime lastRenewal;
    /** Jobs cancelled while this process runs: their submits and polls stop at the next step. */
    private final Set<String> cancelled = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Tasks no longer polled: a retried job gets a task of its own, never a poll of the old one. */
    private final Set<String> cancelledTasks = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /** Whether the start has sorted out what the last stop left under way; until then nothing new is claimed. */
    private volatile boolean resumed;

    public JobJournal(JournalDatabase db, Map<String, Integer> maxConcurrentByProvider) {
        this(db, maxConcurrentByProvider, "this-node", java.time.Duration.ofSeconds(30));
    }

    public JobJournal(JournalDatabase db, Map<String, Integer> maxConcurrentByProvider, String node,
                      java.time.Duration lease) {
        this(db, maxConcurrentByProvider, node, lease, java.time.Clock.systemUTC());
    }

    /** @param nodeClock this machine's clock, which leases do not go by: only compared with the database's */
    public JobJournal(JournalDatabase db, Map<String, Integer> maxConcurrentByProvider, String node,
                      java.time.Duration lease, java.time.Clock nodeClock) {
        this.nodeClock = nodeClock;
        this.db = db;
        this.maxConcurrentByProvider = Map.copyOf(maxConcurrentByProvider);
        this.node = node;
        this.lease = lease;
        this.lastRenewal = now();
        db.read(c -> {
            heartbeat(c, leaseNow(c));
            return null;
        });
        // the rows claims lock, one per provider: made once, by whichever node comes first
        for (String provider : maxConcurrentByProvider.keySet()) {
            db.read(c -> {
                if (count(c, "SELECT COUNT(*) FROM provider_claim WHERE provider = ?", provider) == 0) {
                    insertUnlessRaced(c, "INSERT INTO provider_claim (provider) VALUES (?)", provider);
                }
                return null;
            });
        }
    }

    /** This node's id in the journal. */
    public String node() {
        return node;
    }

    /**
     * Takes queued jobs, oldest first, as far as each provider has room under its cap of tasks in flight, marks them
     * dispatched and this node's, under a lease. The provider's row in provider_claim is locked meanwhile: claims for
     * one provider run one at a time across all nodes, so two never share the same room.
     */
    public List<Job> claimQueued() {
        try {
            return claimQueuedNow();
        } catch (IllegalStateException e) {
            if (!JournalDatabase.sessionEnded(e)) {
                // the database is away (the journal said so once, and the next wake-up claims again), or worse
                throw e;
            }
            // nothing was claimed: the dispatcher's next wake-up claims again on a fresh connection
            LOG.warn("The journal ended this node's claim before it was committed ({}): this node was paused for "
                     + "longer than a lease, or its connection broke; claiming again at the next wake-up", e.getMessage());
            return List.of();
        }
    }

    private List<Job> claimQueuedNow() {
        return db.claim(c -> {
            List<Job> claimed = new ArrayList<>();
            OffsetDateTime now = now();
            // several nodes share each cap fairly: none takes more than its part while the others live
            int nodes = countLiveNodes(c, leaseNow(c));
            // every node locks the providers' rows in the same order (by name): two claims never wait on each other
            for (Map.Entry<String, Integer> cap : new java.util.TreeMap<>(maxConcurrentByProvider).entrySet()) {
                // only a provider with jobs waiting is locked and counted; a job queued after this look wakes a claim
                if (!hasQueuedJobs(c, cap.getKey())) {
                    continue;
                }
                // claims of one process come from its one dispatcher: only other nodes' need keeping out
                if (db.shared()) {
                    lockProvider(c, cap.getKey());
                }
                // a task that ended at the provider no longer counts against its cap, while its outputs download
                int[] inFlightAndMine = inFlight(c, cap.getKey());
                int inFlight = inFlightAndMine[0];
                int mine = inFlightAndMine[1];
                int share = (cap.getValue() + nodes - 1) / nodes;
                // a bounded handful at a time: the dispatch route comes back for more at once
                int room = Math.min(MAX_CLAIM, Math.min(cap.getValue() - inFlight, share - mine));
                if (room <= 0) {
                    continue;
                }
                // ordered as job_queue is (state and provider are fixed here): read in index order, never sorted
                List<Job> queued = jobs(c, "WHERE j.provider = ? AND j.state = 'queued' "
                                           + "ORDER BY j.state, j.provider, j.created_at, j.seq "
                                           + "FETCH FIRST " + room + " ROWS ONLY", cap.getKey());
                for (Job job : queued) {
                    if (update(c, "UPDATE job SET state = 'dispatched', owner = ?, updated_at = ? "
                                  + "WHERE id = ? AND state = 'queued'", node, now, job.id()) == 1) {
                        claimed.add(job);
                    }
                }
            }
            return claimed;
        });
    }

    /**
     * Whether this node is still seen on the journal (then seen again now): its heartbeat is within two leases, the
     * time after which the others count it lost and hand its untaken files back to the inbox, or no other node is
     * alive to do that. A node out of touch that long journals nothing new.
     */
    boolean stillSeen(Connection c) throws SQLException {
        OffsetDateTime now = leaseNow(c);
        OffsetDateTime twoLeasesAgo = now.minus(lease).minus(lease);
        OffsetDateTime leaseAgo = now.minus(lease);
        // only a node in touch for two leases while this one was not can have counted it lost (see lostNodes)
        return update(c, "UPDATE cluster_node SET seen_at = ? WHERE id = ? AND (seen_at >= ? OR NOT EXISTS "
                         + "(SELECT 1 FROM cluster_node o WHERE o.id <> ? AND o.seen_at >= ? AND "
                         + "(o.in_touch_since IS NULL OR o.in_touch_since <= ?)))",
                now, node, twoLeasesAgo, node, leaseAgo, twoLeasesAgo) == 1;
    }

    /**
     * Nodes not seen for two leases: the prompt files they had taken but not journaled go back to the inbox. None
     * while this node itself has been in touch for less than two leases: it cannot tell a dead node from one that
     * shared its outage.
     */
    public List<String> lostNodes() {
        return db.read(c -> {
            OffsetDateTime twoLeasesAgo = leaseNow(c).minus(lease).minus(lease);
            List<String> lost = new ArrayList<>();
            if (!inTouchSince(c, twoLeasesAgo)) {
                return lost;
            }
            try (PreparedStatement p = c.prepareStatement("SELECT id FROM cluster_node WHERE seen_at < ? AND id <> ?")) {
                bind(p, twoLeasesAgo, node);
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        lost.add(rs.getString(1));
                    }
                }
            }
            return lost;
        });
    }

    /** One index seek: listing the providers of all queued jobs would read the whole queue. */
    private static boolean hasQueuedJobs(Connection c, String provider) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT 1 FROM job WHERE state = 'queued' AND provider = ? "
                                                      + "FETCH FIRST 1 ROWS ONLY")) {
            bind(p, provider);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next();
            }
        }
    }

    /** A provider's tasks in flight on every node, and on this one, in one read. */
    private int[] inFlight(Connection c, String provider) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT COUNT(*), COALESCE(SUM(CASE WHEN owner = ? THEN 1 ELSE 0 END), 0) "
                                                      + "FROM job WHERE provider = ? AND state IN " + IN_FLIGHT
                                                      + " AND completed_at IS NULL")) {
            bind(p, node, provider);
            try (ResultSet rs = p.executeQuery()) {
                rs.next();
                return new int[] {rs.getInt(1), rs.getInt(2)};
            }
        }
    }

    /** The nodes seen within a lease, this one included. */
    private int countLiveNodes(Connection c, OffsetDateTime now) throws SQLException {
        return Math.max(1, count(c, "SELECT COUNT(*) FROM cluster_node WHERE seen_at > ?", now.minus(lease)));
    }

    /**
     * This node is alive: the others count it when they share a provider's cap. After a gap longer than a lease (this
     * node, or the database, was away), it is in touch again only from now.
     */
    private void heartbeat(Connection c, OffsetDateTime now) throws SQLException {
        if (update(c, "UPDATE cluster_node SET in_touch_since = CASE WHEN seen_at < ? OR in_touch_since IS NULL "
                      + "THEN ? ELSE in_touch_since END, seen_at = ? WHERE id = ?", now.minus(lease), now, now, node) == 0) {
            insertUnlessRaced(c, "INSERT INTO cluster_node (id, seen_at, in_touch_since) VALUES (?, ?, ?)", node, now,
                    now);
        }
    }

    /** Whether this node has been in touch with the journal since the given time, without a gap of a lease. */
    private boolean inTouchSince(Connection c, OffsetDateTime time) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT in_touch_since FROM cluster_node WHERE id = ?")) {
            bind(p, node);
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return false;
                }
                OffsetDateTime since = rs.getObject(1, OffsetDateTime.class);
                return since != null && !since.isAfter(time);
            }
        }
    }

    private final java.time.Clock nodeClock;

    /** How far this node's clock may be off the database's before it says so. */
    private static final java.time.Duration CLOCK_TOLERANCE = java.time.Duration.ofSeconds(5);
    /** This node's clock minus the database's, as last said in the log (null: within the tolerance). */
    private volatile java.time.Duration clockOffsetSaid;

    /**
     * The time leases are kept on: one clock for every node, the database's, so a node whose own clock is off does not
     * count the others' leases as run out (or its own as fresh). The embedded journal is this process's alone.
     */
    private OffsetDateTime leaseNow(Connection c) throws SQLException {
        if (!db.shared()) {
            return now();
        }
        OffsetDateTime mine = OffsetDateTime.now(nodeClock);
        OffsetDateTime database;
        try (PreparedStatement p = c.prepareStatement("SELECT CURRENT_TIMESTAMP");
             ResultSet rs = p.executeQuery()) {
            rs.next();
            database = rs.getObject(1, OffsetDateTime.class);
        }
        sayClockOffset(java.time.Duration.between(database, mine));
        return database;
    }

    private void sayClockOffset(java.time.Duration offset) {
        java.time.Duration said = clockOffsetSaid;
        boolean off = offset.abs().compareTo(CLOCK_TOLERANCE) > 0;
        if (off && (said == null || offset.minus(said).abs().compareTo(CLOCK_TOLERANCE) > 0)) {
            clockOffsetSaid = offset;
            LOG.warn("This node's clock is {} s {} the journal database's: leases are kept on the database's clock, so "
                     + "no node takes work over early, but times this node writes (logs, sidecars, summaries) are "
                     + "off by as much. Keep the machines' clocks in step (NTP)", Math.round(Math.abs(offset.toMillis()) / 1000.0),
                    offset.isNegative() ? "behind" : "ahead of");
        } else if (!off && said != null) {
            clockOffsetSaid = null;
            LOG.info("This node's clock is in step with the journal database's again");
        }
    }

    private static void lockProvider(Connection c, String provider) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT provider FROM provider_claim WHERE provider = ? FOR UPDATE")) {
            bind(p, provider);
            p.executeQuery().close();
        }
    }

    // --- leases: several nodes on one journal ---

    /**
     * A job's owner (the column) has lost its lease: the node has not been seen (its heartbeat in cluster_node) within
     * a lease. One parameter: the time a lease ago.
     */
    private static String ownerLost(String ownerColumn) {
        return ownerColumn + " NOT IN (SELECT id FROM cluster_node WHERE seen_at >= ?)";
    }

    /** When this node last renewed its leases (null before the first renewal), and how many it held then. */
    /** What a stop leaves under way: queued jobs, and those this node had in hand (handed over, submitting, running). */
    public record LeftAtStop(int queued, int inHand) {
    }

    public LeftAtStop leftAtStop() {
        return db.read(c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT COALESCE(SUM(CASE WHEN state = 'queued' THEN 1 ELSE 0 END), 0), "
                    + "COALESCE(SUM(CASE WHEN state <> 'queued' AND owner = ? THEN 1 ELSE 0 END), 0) FROM job "
                    + "WHERE state IN ('queued', 'dispatched', 'submitting', 'running')")) {
                p.setString(1, node);
                try (java.sql.ResultSet r = p.executeQuery()) {
                    r.next();
                    return new LeftAtStop(r.getInt(1), r.getInt(2));
                }
            }
        });
    }

    public record LeaseState(java.time.Instant lastRenewal, int held) {
    }

    private volatile LeaseState leaseState = new LeaseState(null, 0);
    private volatile int liveNodes = 1;

    /** The nodes seen on this journal within a lease, as of this node's last renewal (itself included). */
    public int liveNodes() {
        return liveNodes;
    }

    public LeaseState leaseState() {
        return leaseState;
    }

    /** What a renewal found: tasks another node took over from this one, jobs cancelled on another node. */
    public record Renewal(int renewed, List<String> takenTasks, List<String> cancelledJobs) {
    }

    /**
     * Extends this node's leases on the jobs it works on. A task another node took over (this node's lease had run
     * out: a long pause, a lost database) is no longer polled here; a job cancelled on another node stops here too.
     */
    public Renewal renewLeases() {
        OffsetDateTime since = lastRenewal;
        OffsetDateTime now = now();
        Renewal renewal = db.write(c -> {
            OffsetDateTime leaseNow = leaseNow(c);
            heartbeat(c, leaseNow);
            // one row renews the node's lease on all its jobs: thousands in flight cost no more than one
            int renewed = count(c, "SELECT COUNT(*) FROM job WHERE owner = ? AND state IN " + IN_FLIGHT, node);
            List<String> taken = new ArrayList<>();
            for (Job job : jobs(c, "WHERE j.taken_from = ? AND j.state = 'running'", node)) {
                taken.add(job.taskId());
            }
            List<String> cancelledHere = new ArrayList<>();
            for (Job job : jobs(c, "WHERE j.owner = ? AND j.state = 'cancelled' AND j.ended_at >= ?", node,
                    since.minusSeconds(1))) {
                cancelledHere.add(job.id());
                if (job.taskId() != null) {
                    cancelledTasks.add(job.taskId());
                }
            }
            liveNodes = countLiveNodes(c, leaseNow);
            return new Renewal(renewed, taken, cancelledHere);
        });
        cancelledTasks.addAll(renewal.takenTasks());
        cancelled.addAll(renewal.cancelledJobs());
        lastRenewal = now;
        leaseState = new LeaseState(now.toInstant(), renewal.renewed());
        return renewal;
    }

    /**
     * Jobs another node had dispatched but not sent when its lease ran out: back to the queue. Not while this node has
     * been in touch for less than a lease itself: an outage they all shared is not the other node's death.
     */
    public int requeueExpired() {
        OffsetDateTime now = now();
        return db.write(c -> {
            OffsetDateTime leaseAgo = leaseNow(c).minus(lease);
            return inTouchSince(c, leaseAgo) ? update(c, "UPDATE job SET state = 'queued', owner = NULL, updated_at = ? "
                                                         + "WHERE state = 'dispatched' AND owner <> ? AND "
                                                         + ownerLost("owner"), now, node, leaseAgo) : 0;
        });
    }

    /**
     * Jobs whose submit was on the wire at a node whose lease ran out: this node takes them, to report them as
     * unknown outcomes (never resubmitted on their own).
     */
    public List<Job> takeOverExpiredSubmits() {
        return takeOverExpired("submitting");
    }

    /** Tasks a node was polling when its lease ran out: this node takes them and polls them to the end. */
    public List<Job> takeOverExpiredTasks() {
        return takeOverExpired("running");
    }

    private List<Job> takeOverExpired(String state) {
        OffsetDateTime now = now();
        return db.write(c -> {
            List<Job> taken = new ArrayList<>();
            OffsetDateTime leaseAgo = leaseNow(c).minus(lease);
            // back from an outage of its own for less than a lease: the others may not have had their turn to renew
            if (!inTouchSince(c, leaseAgo)) {
                return taken;
            }
            for (Job job : jobs(c, "WHERE j.state = ? AND j.owner <> ? AND " + ownerLost("j.owner")
                                   + " ORDER BY j.submitted_at", state, node, leaseAgo)) {
                // the row is this node's only if no other node took it meanwhile
                if (update(c, "UPDATE job SET taken_from = owner, owner = ?, updated_at = ? WHERE id = ? AND state = ? "
                              + "AND owner <> ? AND " + ownerLost("owner"),
                        node, now, job.id(), state, node, leaseAgo) == 1) {
                    taken.add(job);
                }
            }
            return taken;
        });
    }

    /**
     * The paid request is about to leave: from this moment the provider's clock for the task may run. Only from the
     * state and attempt the submit was planned for: false when the job was cancelled (and perhaps queued again as a new
     * attempt) meanwhile, or is no longer this node's (it was out of touch past its lease and another node requeued
     * and claimed it). Then it must not be sent from here, or it would be paid twice.
     */
    public boolean markSubmitting(Job job) {
        OffsetDateTime now = now();
        return db.write(c -> update(c, "UPDATE job SET state = 'submitting', submitted_at = ?, updated_at = ? "
                                       + "WHERE id = ? AND attempt = ? AND state IN ('dispatched','submitting') AND "
                                       + "(owner = ? OR owner IS NULL)", now, now, job.id(), job.attempt(), node)) == 1;
    }

    /** Why a job planned for a submit was not sent: for the log, said once it has been decided. */
    public String notSubmittedBecause(Job job) {
        Job now = job(job.id());
        if (now.attempt() != job.attempt()) {
            return "not submitted: it was cancelled and queued again meanwhile, and that new attempt is submitted instead";
        }
        if (now.state() == JobState.CANCELLED) {
            return "not submitted: it was cancelled before it was sent, so nothing was charged";
        }
        return "not submitted here; this node was out of touch with the journal longer than its lease and another node "
               + "took the job";
    }

    /** The provider refused the submit without taking it: the job waits to be tried again, nothing is owed. */
    public void markDispatched(Job job) {
        if (db.write(c -> update(c, "UPDATE job SET state = 'dispatched', submitted_at = NULL, updated_at = ? "
                                    + "WHERE id = ? AND attempt = ? AND state = 'submitting'", now(), job.id(),
                job.attempt())) == 0) {
            markCancelledSubmitNotTaken(job);
        }
    }

    /**
     * A job cancelled while its submit was on its way, which the provider then certainly did not take (refused, or
     * failed before sending): nothing was charged, so running it again is a plain retry, not a second payment.
     */
    public void markCancelledSubmitNotTaken(Job job) {
        db.write(c -> update(c, "UPDATE job SET submitted_at = NULL, error = ?, updated_at = ? WHERE id = ? "
                                + "AND attempt = ? AND state = 'cancelled' AND task_id IS NULL",
                "cancelled while its submit to " + job.provider() + " was on its way, which " + job.provider()
                + " did not take: nothing was charged", now(), job.id(), job.attempt()));
    }

    /**
     * @param sandbox the built-in sandbox took the task: its results are placeholders
     * @return false when another node had meanwhile reported this submit as an unknown outcome (this node was out of
     * touch past its lease): the task id is still written to the job, so its report names it, but nobody polls it
     */
    public boolean markSubmitted(Job job, String taskId, boolean sandbox) {
        OffsetDateTime now = now();
        return db.write(c -> {
            if (update(c, "UPDATE job SET state = 'running', task_id = ?, sandbox = ?, updated_at = ? "
                          + "WHERE id = ? AND attempt = ? AND state = 'submitting' AND (owner = ? OR owner IS NULL)",
                    taskId, sandbox, now, job.id(), job.attempt(), node) == 1) {
                return true;
            }
            // cancelled, or reported unknown by another node, meanwhile: its report names the task all the same
            update(c, "UPDATE job SET task_id = ?, updated_at = ? WHERE id = ? AND attempt = ? AND task_id IS NULL",
                    taskId, now, job.id(), job.attempt());
            update(c, "UPDATE job SET error = ?, sandbox = ? WHERE id = ? AND attempt = ? AND state = 'cancelled'",
                    submitCancelledOnItsWay(job, taskId), sandbox, job.id(), job.attempt());
            cancelledTasks.add(taskId);
            return false;
        });
    }

    /** What the submit's answer said the task costs (BFL's credits): kept, so a restart before its end loses nothing. */
    public void recordSubmitCost(Job job, double amount, String unit) {
        db.write(c -> update(c, "UPDATE job SET cost = ?, cost_unit = ? WHERE id = ? AND attempt = ?", amount, unit,
                job.id(), job.attempt()));
    }

    /** Why the task a submit's answer names is not polled here (see {@link #markSubmitted}). */
    public String notPolledBecause(Job job, String taskId) {
        if (job(job.id()).state() == JobState.CANCELLED) {
            return "the provider took it as task " + taskId + ", but the request was cancelled while the submit was on "
                   + "its way: the task may run, and be charged, there; it is not polled (a retry asks ?pay-again=true)";
        }
        return "the provider took it as task " + taskId + ", but this node was out of touch with the journal longer "
               + "than its lease and another node has reported the submit as unknown; the task id is now in the job's "
               + "report, and its result can be fetched from the provider by that id";
    }

    /**
     * The job as the poll route takes it over from the submit: this attempt, with the task the provider gave. While
     * the journal cannot be read, as the submit knows it: its task ends at the provider meanwhile, and is polled.
     */
    public Job submitted(Job job, String taskId, boolean sandbox) {
        try {
            Job now = job(job.id());
            if (now.attempt() == job.attempt()) {
                return now;
            }
        } catch (JournalUnavailable e) {
            // polled with what is known here; its end is journaled once the journal answers
        }
        return job.running(taskId, sandbox, job.submittedAt() != null ? job.submittedAt() : Instant.now());
    }

    /**
     * Whether another node polls this job's task now: it took the task over while this node was out of touch past its
     * lease (a long pause, a lost database), so this node must leave the task's end and outputs to it.
     */
    public boolean polledElsewhere(String jobId) {
        return db.read(c -> count(c, "SELECT COUNT(*) FROM job WHERE id = ? AND owner IS NOT NULL AND owner <> ?",
                jobId, node)) > 0;
    }

    /** The provider's word for the task and the polls so far, when the word changes (not at every poll). */
    public void recordPoll(Job job, String providerStatus, int polls) {
        try {
            db.write(c -> update(c,
                    "UPDATE job SET polls = ?, provider_status = ?, updated_at = ? WHERE id = ? AND attempt = ?", polls,
                    providerStatus, now(), job.id(), job.attempt()));
        } catch (JournalUnavailable e) {
            // what the provider last said is for reports only: the task's end, which counts, is journaled when it comes
        }
    }

    /**
     * The provider reported the task done: how long it took counted from when the submit left (it feeds later poll
     * plans), the provider's word, and the polls it took.
     */
    public void markCompleted(Job job, Long durationMillis, String providerStatus, int polls) {
        markCompleted(job, durationMillis, providerStatus, polls, null, null);
    }

    /** @param cost what the task cost in {@code costUnit}, where its provider said; null where it did not */
    public void markCompleted(Job job, Long durationMillis, String providerStatus, int polls, Double cost,
                              String costUnit) {
        OffsetDateTime now = now();
        db.write(c -> {
            Instant submitted = submittedAt(c, job.id());
            OffsetDateTime completed = durationMillis != null && submitted != null
                    ? submitted.plusMillis(durationMillis).atOffset(java.time.ZoneOffset.UTC) : now;
            // a cost the submit's answer named (journaled then) stays where the end's answer names none
            return update(c, "UPDATE job SET completed_at = ?, provider_status = ?, polls = ?, cost = COALESCE(?, cost), "
                             + "cost_unit = COALESCE(?, cost_unit), updated_at = ? WHERE id = ? AND attempt = ?", completed,
                    providerStatus, polls, cost, cost == null ? null : costUnit, now, job.id(), job.attempt());
        });
    }

    private static Instant submittedAt(Connection c, String jobId) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT submitted_at FROM job WHERE id = ?")) {
            bind(p, jobId);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? instant(rs, 1) : null;
            }
        }
    }

    /** @return false when the job was queued again as a new attempt meanwhile: this end is not its end */
    public boolean markSucceeded(Job job) {
        OffsetDateTime now = now();
        return db.write(c -> update(c, "UPDATE job SET state = 'succeeded', ended_at = ?, updated_at = ? WHERE id = ? "
                                       + "AND attempt = ?", now, now, job.id(), job.attempt())) == 1;
    }

    /** @return false when the job was queued again as a new attempt meanwhile: this end is not its end */
    public boolean markFailed(Job job, JobState state, String reason, String nextStep) {
        OffsetDateTime now = now();
        return db.write(c -> update(c, "UPDATE job SET state = ?, error = ?, next_step = ?, ended_at = ?, "
                                       + "updated_at = ? WHERE id = ? AND attempt = ?", state.word(), reason, nextStep,
                now, now, job.id(), job.attempt())) == 1;
    }

    public Job job(String jobId) {
        return db.read(c -> jobs(c, "WHERE j.id = ?", jobId).stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no job " + jobId)));
    }

    // --- a caller's cancel and retry ---

    /**
     * What a cancel did: jobs that will never be submitted, tasks no longer polled, and submits that were on their way
     * (the provider may take them; their task ids are written to the jobs when the answers come).
     */
    public record Cancellation(int notSubmitted, List<Job> runningJobs, int submitsOnTheirWay) {

        /** The task ids of the jobs that were running. */
        public List<String> stillRunningTasks() {
            return runningJobs.stream().map(Job::taskId).toList();
        }
    }

    /**
     * Cancels a request's jobs that have not ended: queued ones are never submitted, running ones no longer polled.
     * One whose submit is on the wire at this moment ends cancelled too; the task id its answer brings is written to
     * it and never polled, and running it again asks to pay again, since the provider may have taken it.
     */
    public Cancellation cancel(String promptFileId) {
        return db.write(c -> {
            List<Job> open = jobs(c, "WHERE j.prompt_file_id = ? AND j.state IN ('queued','dispatched','submitting',"
                                     + "'running')", promptFileId);
            OffsetDateTime now = now();
            int notSubmitted = 0;
            int onTheirWay = 0;
            List<Job> runningJobs = new ArrayList<>();
            for (Job job : open) {
                boolean wasRunning = job.state() == JobState.RUNNING;
                boolean onItsWay = job.state() == JobState.SUBMITTING;
                // submitted_at stays only where a submit was on its way or taken: what a retry must not pay again
                update(c, "UPDATE job SET state = 'cancelled', error = ?, next_step = ?, ended_at = ?, updated_at = ?, "
                          + "submitted_at = " + (wasRunning || onItsWay ? "submitted_at" : "NULL") + " WHERE id = ?",
                        wasRunning
                                 ? "cancelled while task " + job.taskId() + " ran at " + job.provider()
                                   + ": it may still finish there, and be charged, but is no longer polled"
                                 : onItsWay ? submitCancelledOnItsWay(job, null)
                                 : "cancelled before it was submitted: nothing was charged",
                        "POST /api/jobs/" + promptFileId + "/retry" + (onItsWay ? "?pay-again=true" : "")
                        + " runs it after all", now, now, job.id());
                cancelled.add(job.id());
                if (wasRunning) {
                    runningJobs.add(job);
                    cancelledTasks.add(job.taskId());
                } else if (onItsWay) {
                    onTheirWay++;
                } else {
                    notSubmitted++;
                }
            }
            return new Cancellation(notSubmitted, runningJobs, onTheirWay);
        });
    }

    /** Why a job cancelled while its submit was on its way is not polled, with the task the provider gave, once known. */
    private static String submitCancelledOnItsWay(Job job, String taskId) {
        return "cancelled while its submit to " + job.provider() + " was on its way: "
               + (taskId == null ? "if " + job.provider() + " takes it, it may run"
                                 : job.provider() + " took it as task " + taskId + ", which may run")
               + " there, and be charged, but is not polled";
    }

    public boolean isCancelled(String jobId) {
        return cancelled.contains(jobId);
    }

    /** Whether this task of this job is no longer to be polled. */
    public boolean isCancelled(String jobId, String taskId) {
        return cancelled.contains(jobId) || taskId != null && cancelledTasks.contains(taskId);
    }

    /**
     * A job whose task the provider had taken before it ended here (cancelled while its task ran, or made but not
     * stored): running it again pays a second time.
     */
    private static final String PAID_BEFORE = "((j.state = 'cancelled' AND (j.task_id IS NOT NULL OR j.submitted_at IS NOT NULL)) "
                                              + "OR (j.state = 'failed' AND j.completed_at IS NOT NULL))";

    /**
     * The jobs of a request whose task the provider had taken before they ended here: running them again pays a second
     * time (what a retry asks ?pay-again=true for).
     */
    public java.util.Set<String> paidBefore(String promptFileId) {
        return db.read(c -> {
            java.util.Set<String> ids = new java.util.HashSet<>();
            for (Job job : jobs(c, "WHERE j.prompt_file_id = ? AND " + PAID_BEFORE, promptFileId)) {
                ids.add(job.id());
            }
            return ids;
        });
    }

    /**
     * What a retry did: jobs queued again; of the jobs asked for, those whose tasks had already run at the provider
     * (queued again, to be paid a second time, when the caller said so; otherwise left as they were).
     */
    public record Retry(List<Job> requeued, List<Job> paidBefore) {
    }

    /**
     * Queues a request's failed and cancelled jobs again, each as a new attempt (and those whose submit outcome is
     * unknown, when asked, since that may pay twice); outputs already written are kept. A job whose task had already
     * run at the provider is queued again only when the caller says it pays a second time. The prompt file is open
     * again.
     */
    public Retry retry(String promptFileId, boolean includeUnknown, boolean payAgain) {
        return db.write(c -> {
            String states = includeUnknown ? "('failed','cancelled','submit-unknown')" : "('failed','cancelled')";
            String chosen = "j.prompt_file_id = ? AND j.state IN " + states
                            + (payAgain ? "" : " AND NOT " + PAID_BEFORE);
            List<Job> requeued = jobs(c, "WHERE " + chosen + " ORDER BY j.seq", promptFileId);
            List<Job> paidBefore = jobs(c, "WHERE j.prompt_file_id = ? AND j.state IN " + states + " AND "
                                           + PAID_BEFORE + " ORDER BY j.seq", promptFileId);
            for (Job job : requeued) {
                try (PreparedStatement p = c.prepareStatement("DELETE FROM job_output WHERE state = 'reserved' "
                                                              + "AND job_id = ?")) {
                    bind(p, job.id());
                    p.executeUpdate();
                }
                // a new attempt: whatever is still under way for the old one (a submit waiting to try again, a poll)
                // changes nothing from now on
                update(c, "UPDATE job SET state = 'queued', attempt = attempt + 1, owner = NULL, task_id = NULL, "
                          + "error = NULL, next_step = NULL, provider_status = NULL, polls = 0, submitted_at = NULL, "
                          + "completed_at = NULL, ended_at = NULL, sandbox = FALSE, updated_at = ? "
                          + "WHERE id = ? AND attempt = ? AND state = ?", now(), job.id(), job.attempt(),
                        job.state().word());
                // a retried job is no longer cancelled: its submit and polls go ahead
                cancelled.remove(job.id());
            }
            if (!requeued.isEmpty()) {
                update(c, "UPDATE prompt_file SET state = 'open', ended_at = NULL WHERE id = ?", promptFileId);
            }
            return new Retry(requeued, paidBefore);
        });
    }

    // --- recovery at start ---

    public boolean isResumed() {
        return resumed;
    }

    public void markResumed() {
        resumed = true;
    }

    // this node's own rows (and those of a journal older than leases): another node's are its own, until its lease runs out
    private static final String MINE = "(j.owner = ? OR j.owner IS NULL)";

    /**
     * At start, on the embedded journal: every job under way is this process's, whatever node id it was journaled
     * under (one process has the journal at a time; the id kept in the state directory may have been lost with it).
     *
     * @return how many jobs another id had
     */
    public int adoptEmbeddedWork() {
        if (db.shared()) {
            return 0;
        }
        return db.write(c -> update(c, "UPDATE job SET owner = ? WHERE state IN " + IN_FLIGHT + " AND owner <> ?",
                node, node));
    }

    /** This node's jobs handed to the submit route but never sent go back to the queue. */
    public int requeueDispatched() {
        return db.write(c -> update(c, "UPDATE job SET state = 'queued', owner = NULL, "
                                       + "updated_at = ? WHERE state = 'dispatched' AND (owner = ? OR owner IS NULL)",
                now(), node));
    }

    /** This node's jobs whose paid submit was on the wire when it stopped: the provider may have taken them. */
    public List<Job> interruptedSubmits() {
        return db.read(c -> jobs(c, "WHERE j.state = 'submitting' AND " + MINE + " ORDER BY j.created_at", node));
    }

    /** This node's jobs with a task at the provider: they resume polling, never resubmitted. */
    public List<Job> runningTasks() {
        return db.write(c -> {
            List<Job> mine = jobs(c, "WHERE j.state = 'running' AND " + MINE + " ORDER BY j.submitted_at", node);
            // this node's from now on (a journal from before nodes names none)
            update(c, "UPDATE job SET owner = ? WHERE state = 'running' AND owner IS NULL", node);
            return mine;
        });
    }
}
