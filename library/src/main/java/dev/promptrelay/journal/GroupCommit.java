package dev.promptrelay.journal;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.sql.DataSource;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Journal writes from many threads in one commit: each caller still returns only once its own change is committed,
 * but a database that writes every commit through (H2 with WRITE_DELAY=0) writes once for all the changes that
 * queued up meanwhile, instead of once per change, one after the other. Its writer runs in a thread Camel gives it
 * ({@link JournalDatabase}), until stopped.
 */
final class GroupCommit {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
    /** Changes in one commit at most: a commit stays short even when thousands queue up. */
    private static final int MAX_BATCH = 256;

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection c) throws SQLException, IOException;
    }

    private record Pending<T>(SqlWork<T> work, CompletableFuture<T> done) {

        void runIn(Connection c, List<Runnable> completions) throws SQLException, IOException {
            T result = work.run(c);
            completions.add(() -> done.complete(result));
        }
    }

    /** Work done in every commit, after the changes it holds and told how many: the journal's count of changes. */
    @FunctionalInterface
    interface EveryCommit {
        void run(Connection c, int changes) throws SQLException;
    }

    private final DataSource dataSource;
    private final EveryCommit everyCommit;
    private final BlockingQueue<Pending<?>> queue = new LinkedBlockingQueue<>();
    private volatile boolean stopping;
    private volatile boolean exited;

    GroupCommit(DataSource dataSource) {
        this(dataSource, (c, changes) -> { });
    }

    GroupCommit(DataSource dataSource, EveryCommit everyCommit) {
        this.dataSource = dataSource;
        this.everyCommit = everyCommit;
    }

    /** The writer commits what has queued up, then stops; a write queued after that never waits for it. */
    void stop() {
        stopping = true;
    }

    <T> T write(SqlWork<T> work) {
        Pending<T> pending = new Pending<>(work, new CompletableFuture<>());
        queue.add(pending);
        if (exited) {
            // the writer is gone: what is left is committed here
            drainAlone();
        }
        try {
            return pending.done().join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw JournalUnavailable.of(e.getCause());
        }
    }

    void writeUntilStopped() {
        List<Pending<?>> batch = new ArrayList<>();
        while (true) {
            try {
                Pending<?> first = queue.poll(stopping ? 0 : 100, TimeUnit.MILLISECONDS);
                if (first == null) {
                    if (stopping) {
                        exited = true;
                        drainAlone();
                        return;
                    }
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, MAX_BATCH - 1);
                commit(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(p -> p.done().completeExceptionally(e));
                return;
            } catch (Throwable e) {
                // never leave a caller waiting: whatever went wrong is theirs to report
                batch.forEach(p -> p.done().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private synchronized void drainAlone() {
        List<Pending<?>> left = new ArrayList<>();
        queue.drainTo(left);
        if (left.isEmpty()) {
            return;
        }
        try {
            commit(left);
        } catch (Throwable e) {
            left.forEach(p -> p.done().completeExceptionally(e));
        }
    }

    /** All in one transaction; when one change fails, each is tried alone so only that one fails. */
    private void commit(List<Pending<?>> batch) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            List<Runnable> completions = new ArrayList<>(batch.size());
            try {
                for (Pending<?> pending : batch) {
                    pending.runIn(c, completions);
                }
                everyCommit.run(c, batch.size());
                c.commit();
                completions.forEach(Runnable::run);
                return;
            } catch (SQLException | IOException | RuntimeException e) {
                c.rollback();
                if (batch.size() == 1) {
                    batch.get(0).done().completeExceptionally(e);
                    return;
                }
                LOG.debug("a journal write in a group of {} failed; writing them one by one", batch.size(), e);
            }
            for (Pending<?> pending : batch) {
                List<Runnable> alone = new ArrayList<>(1);
                try {
                    pending.runIn(c, alone);
                    everyCommit.run(c, 1);
                    c.commit();
                    alone.forEach(Runnable::run);
                } catch (SQLException | IOException | RuntimeException e) {
                    c.rollback();
                    pending.done().completeExceptionally(e);
                }
            }
        }
    }
}
