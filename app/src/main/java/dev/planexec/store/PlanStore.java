package dev.planexec.store;

import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Timestamps;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;

/**
 * The plan of a run, in memory and on disk. Every {@link #update} returns only once the changed plan is durably on
 * disk, so a caller can publish the change knowing a crash cannot take it back.
 *
 * <p>Saves are grouped: while one thread writes, changes made by other threads wait, and the next write carries all
 * of them. Each change still reaches the disk before its {@code update} returns, but several tasks finishing at once
 * cost one write instead of several.
 */
public final class PlanStore {
    private final Path file;
    private final Object state = new Object();
    private final ReentrantLock writer = new ReentrantLock();
    private Plan plan;
    private long version;
    private volatile long durableVersion;

    public PlanStore(Path file, Plan plan) {
        this.file = file;
        this.plan = plan;
    }

    public Path file() {
        return file;
    }

    /** The plan as it is now (saved, or being saved). */
    public Plan current() {
        synchronized (state) {
            return plan;
        }
    }

    /**
     * Applies {@code change}, stamps {@code updatedAt}, and waits until the result is on disk.
     *
     * @return the plan as changed
     * @throws SaveFailedException if it could not be written; the change stays in memory, the file keeps the last
     *     plan that was saved
     */
    public Plan update(UnaryOperator<Plan> change) throws SaveFailedException {
        long mine;
        Plan changed;
        synchronized (state) {
            changed = change.apply(plan).withUpdatedAt(Timestamps.now());
            plan = changed;
            mine = ++version;
        }
        awaitDurable(mine);
        return changed;
    }

    /**
     * Applies {@code change} in memory only and returns its version; nothing may be told of it until
     * {@link #persist(long)} of that version returned. Lets one caller put several changes in one write.
     */
    public long apply(UnaryOperator<Plan> change) {
        synchronized (state) {
            plan = change.apply(plan).withUpdatedAt(Timestamps.now());
            return ++version;
        }
    }

    /** Waits until the plan as of {@code version} (and every earlier change) is on disk. */
    public void persist(long version) throws SaveFailedException {
        awaitDurable(version);
    }

    /** Writes the current plan now, whether or not it changed. */
    public void save() throws SaveFailedException {
        long mine;
        synchronized (state) {
            mine = ++version;
        }
        awaitDurable(mine);
    }

    private void awaitDurable(long wanted) throws SaveFailedException {
        writer.lock();
        try {
            if (durableVersion >= wanted) {
                return; // another thread's write already carried this change
            }
            Plan snapshot;
            long snapshotVersion;
            synchronized (state) {
                snapshot = plan;
                snapshotVersion = version;
            }
            try {
                AtomicFile.replace(file, PlanFiles.toJson(snapshot));
            } catch (IOException e) {
                throw new SaveFailedException("cannot save " + file + ": " + describe(e), e);
            }
            durableVersion = snapshotVersion;
        } finally {
            writer.unlock();
        }
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        if (e instanceof java.nio.file.AccessDeniedException) {
            return "permission denied (" + message + ")";
        }
        if (message != null && message.contains("No space left")) {
            return "the disk is full";
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }
}
