package dev.planexec.store;

import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Timestamps;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/**
 * The plan of a run, in memory and on disk. Every {@link #update} returns only once the changed plan is durably on
 * disk, so a caller can publish the change knowing a crash cannot take it back.
 *
 * <p>Saves are grouped: while one thread writes, changes made by other threads wait, and the next write carries all
 * of them. Each change still reaches the disk before its {@code update} returns, but several tasks finishing at once
 * cost one write instead of several.
 *
 * <p>The file is the user's too. Before each write the store looks at the file ({@link DiskChanges}); if someone
 * changed it, it merges three ways ({@link PlanMerge}) and tells its {@link #onDiskEdit} listener what was taken in.
 * While the file is not a valid plan it is not written over: the run's state goes to its {@link RunStateFile}
 * instead, which is just as durable, and comes back into the plan file at the first save after it is valid again.
 */
public final class PlanStore {
    private final Path file;
    private final Object state = new Object();
    private final ReentrantLock writer = new ReentrantLock();
    private final DiskChanges disk = new DiskChanges(Clock.systemUTC());
    private final RunStateFile runState;
    /** The agent names a plan may use, from the caller (the agent registry's); {@code null}: any name. */
    private final List<String> agentNames;

    private volatile Consumer<DiskEdit> edits = edit -> {};
    private Plan plan;
    private long version;
    private volatile long durableVersion;

    // Guarded by the state lock: tasks removed from the file while they ran, and what to say when they are dropped.
    private final Set<String> dropWhenFinished = new LinkedHashSet<>();
    private final List<String> pendingNotices = new ArrayList<>();
    private boolean droppedSinceTold;

    // Guarded by the writer lock.
    /** The plan as the run found it: the run owns the run fields it changed since (see {@link PlanMerge}). */
    private final Plan start;
    /** The plan as planexec last wrote it to (or read it from) the plan file: the base of a three-way merge. */
    private Plan base;
    /** Whether the plan file existed when the store was made, or was written by it since. */
    private boolean everWritten;
    /** While the plan file is not valid: what is wrong with it, as told to the user once. */
    private volatile String invalidProblem;

    /**
     * What an edit of the file brought: lines to tell the user, and whether the task set or what tasks depend on
     * changed, so that the scheduler looks again at what can run.
     */
    public record DiskEdit(List<String> notices, boolean tasksChanged) {}

    /**
     * A store for {@code plan}, which was read from {@code file} (or is to be written there); an edit of the file
     * that names an agent not in {@code agentNames} is not valid.
     */
    public PlanStore(Path file, Plan plan, List<String> agentNames) {
        this.file = file;
        this.plan = plan;
        this.base = plan;
        this.start = plan;
        this.agentNames = agentNames;
        this.runState = RunStateFile.of(file, agentNames);
        // A plan read from a file that then disappears is an edit under way, not a plan to write from scratch.
        this.everWritten = Files.exists(file);
    }

    /** The agent names a plan in this store may use ({@code null}: any name). */
    public List<String> agentNames() {
        return agentNames;
    }

    /**
     * Opens the plan of a run: if the last run left its state in a {@link RunStateFile} because the plan file was
     * not valid then, merges that state into {@code loaded} (the plan file as it is now, valid), writes the result
     * and removes the run-state file.
     *
     * @param agentNames the agent names a plan may use, as for {@link #PlanStore(Path, Plan, List)}
     * @param notices told what was applied, one line each
     */
    public static PlanStore open(Path file, Plan loaded, List<String> agentNames, Consumer<String> notices)
            throws SaveFailedException {
        RunStateFile leftover = RunStateFile.of(file, agentNames);
        Optional<RunStateFile.State> saved;
        try {
            saved = leftover.read();
        } catch (IOException e) {
            throw new SaveFailedException(
                    "cannot apply " + leftover.path() + " (" + describe(e) + "); move it away to run without it", e);
        }
        PlanStore store =
                new PlanStore(file, saved.map(RunStateFile.State::base).orElse(loaded), agentNames);
        if (saved.isEmpty()) {
            if (leftover.exists()) {
                try {
                    leftover.delete(); // empty: its run died creating it, before it held anything
                } catch (IOException e) {
                    throw new SaveFailedException("cannot remove " + leftover.path() + ": " + describe(e), e);
                }
            }
            return store;
        }
        synchronized (store.state) {
            store.plan = saved.get().run();
        }
        store.onDiskEdit(edit -> edit.notices().forEach(notices));
        notices.accept("applying the state the last run kept in " + leftover.path() + " (saved "
                + saved.get().savedAt() + ") to " + file);
        store.save();
        store.onDiskEdit(edit -> {});
        if (store.invalidProblem != null) {
            throw new SaveFailedException(
                    "cannot apply " + leftover.path() + " to " + file + ": " + store.invalidProblem, null);
        }
        return store;
    }

    /** Who hears of edits of the file made during the run (on the saving thread: must be quick, never block). */
    public void onDiskEdit(Consumer<DiskEdit> listener) {
        this.edits = listener;
    }

    /**
     * Whether the plan file was not valid at the last save, so the run's state is in {@link #runStateFile()}, not
     * in the plan file.
     */
    public boolean diverted() {
        return invalidProblem != null;
    }

    public Path runStateFile() {
        return runState.path();
    }

    /**
     * Takes in an edit of the file, or folds the run's state back into a file that is valid again, if there is
     * one; writes nothing when the file is as planexec left it. For a periodic check, and at the end of a run.
     */
    public void catchUp() throws SaveFailedException {
        writer.lock();
        try {
            DiskChanges.Look look;
            try {
                look = disk.look(file);
            } catch (IOException e) {
                look = null;
            }
            if (invalidProblem == null && look instanceof DiskChanges.Look.Unchanged) {
                return;
            }
        } finally {
            writer.unlock();
        }
        save();
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
            durableVersion = writeCurrent();
        } finally {
            writer.unlock();
        }
    }

    /**
     * Writer lock held: reads the file on disk, takes in what the user changed there, and writes the result, or,
     * while the file is not a valid plan, writes the run's state beside it instead.
     *
     * @return the version now durable
     */
    private long writeCurrent() throws SaveFailedException {
        Look look = lookAtDisk();
        Plan snapshot;
        long snapshotVersion;
        MergeOutcome merged = null;
        synchronized (state) {
            if (look instanceof Look.Valid valid) {
                merged = merge(valid.plan());
                if (merged.problem() == null) {
                    plan = merged.result().plan();
                }
            }
            plan = dropFinished(plan);
            snapshot = plan;
            snapshotVersion = version;
        }
        String problem = look instanceof Look.Invalid invalid
                ? invalid.problem()
                : merged != null && merged.problem() != null ? merged.problem() : null;
        try {
            if (problem != null) {
                runState.write(base, snapshot);
                boolean first = invalidProblem == null;
                invalidProblem = problem;
                if (first) {
                    tell(
                            List.of(problem + "; planexec does not write over the plan file while it is not valid:"
                                    + " the run's state is kept in " + runState.path() + " until it is"),
                            false);
                }
                return snapshotVersion;
            }
            boolean folding = invalidProblem != null || runState.exists();
            if (folding) {
                // Never older than the plan file: written first, removed last.
                runState.write(base, snapshot);
            }
            byte[] bytes = PlanFiles.toJson(snapshot);
            if (!(look instanceof Look.Valid valid && Arrays.equals(valid.bytes(), bytes))) {
                AtomicFile.replace(file, bytes);
            }
            disk.record(file, bytes);
            base = snapshot;
            everWritten = true;
            if (folding) {
                runState.delete();
                invalidProblem = null;
            }
            if (merged != null) {
                report(merged.result(), folding);
            } else {
                tell(folding ? List.of(file + " is valid again; the run's state is back in it") : List.of(), false);
            }
        } catch (IOException e) {
            throw new SaveFailedException("cannot save " + file + ": " + describe(e), e);
        }
        return snapshotVersion;
    }

    /** Writer lock held: whether the file is still what planexec last wrote, and if not, what it is now. */
    private Look lookAtDisk() {
        DiskChanges.Look seen;
        try {
            seen = disk.look(file);
        } catch (IOException e) {
            return new Look.Invalid(file + ": cannot read: " + describe(e));
        }
        if (seen instanceof DiskChanges.Look.Unchanged) {
            return new Look.Unchanged();
        }
        if (seen instanceof DiskChanges.Look.Missing) {
            // A plan that was never on disk is written; one that was, and is gone, may be an editor's save half done.
            return everWritten ? new Look.Invalid(file + ": the plan file is gone") : new Look.Unchanged();
        }
        byte[] bytes = ((DiskChanges.Look.Changed) seen).bytes();
        try {
            return new Look.Valid(PlanFiles.parse(bytes, file.toString(), agentNames), bytes);
        } catch (InvalidPlanException e) {
            return new Look.Invalid(e.problems().get(0)
                    + (e.problems().size() > 1 ? " (and " + (e.problems().size() - 1) + " more)" : ""));
        }
    }

    /** State lock held: the three-way merge of the file's plan with the run's, and whether the result is valid. */
    private MergeOutcome merge(Plan theirs) {
        PlanMerge.Result result = PlanMerge.merge(start, base, theirs, plan);
        try {
            PlanFiles.parse(PlanFiles.toJson(result.plan()), file.toString(), agentNames);
        } catch (InvalidPlanException e) {
            return new MergeOutcome(result, e.problems().get(0) + " (in the plan the edit would make)");
        }
        dropWhenFinished.addAll(result.keptRunning());
        return new MergeOutcome(result, null);
    }

    /** State lock held: tasks the user removed while they ran, now that they have finished. */
    private Plan dropFinished(Plan current) {
        if (dropWhenFinished.isEmpty()) {
            return current;
        }
        List<String> dropped = new ArrayList<>();
        List<Task> kept = new ArrayList<>(current.tasks().size());
        for (Task task : current.tasks()) {
            if (dropWhenFinished.contains(task.id()) && task.status() != TaskStatus.IN_PROGRESS) {
                dropped.add(task.id());
            } else {
                kept.add(task);
            }
        }
        if (dropped.isEmpty()) {
            return current;
        }
        dropWhenFinished.removeAll(dropped);
        droppedSinceTold = true;
        pendingNotices.add("task" + (dropped.size() > 1 ? "s " : " ") + quoted(dropped)
                + " finished and " + (dropped.size() > 1 ? "were" : "was") + " dropped, as removed from "
                + file.getFileName() + " while running");
        return current.withTasks(kept);
    }

    private void report(PlanMerge.Result result, boolean folded) {
        List<String> lines = new ArrayList<>();
        String what = result.takenIn().isEmpty() ? "nothing new" : String.join("; ", result.takenIn());
        if (!result.takenIn().isEmpty() || !result.clashes().isEmpty() || folded) {
            lines.add(file + " was changed on disk" + (folded ? " and is valid again" : "") + "; taken in: " + what);
        }
        result.clashes().forEach(c -> lines.add(file + ": clash: " + c));
        if (!result.keptRunning().isEmpty()) {
            lines.add("task" + (result.keptRunning().size() > 1 ? "s " : " ") + quoted(result.keptRunning())
                    + " removed from " + file.getFileName() + " while running: "
                    + (result.keptRunning().size() > 1 ? "they finish" : "it finishes") + ", then "
                    + (result.keptRunning().size() > 1 ? "are" : "is") + " dropped");
        }
        tell(lines, result.tasksChanged());
    }

    private void tell(List<String> lines, boolean tasksChanged) {
        List<String> all = new ArrayList<>(lines);
        synchronized (state) {
            all.addAll(pendingNotices);
            pendingNotices.clear();
            tasksChanged |= droppedSinceTold;
            droppedSinceTold = false;
        }
        if (!all.isEmpty() || tasksChanged) {
            edits.accept(new DiskEdit(all, tasksChanged));
        }
    }

    private static String quoted(java.util.Collection<String> ids) {
        return String.join(", ", ids.stream().map(id -> "\"" + id + "\"").toList());
    }

    /** What the look at the disk found. */
    private sealed interface Look {
        record Unchanged() implements Look {}

        record Valid(Plan plan, byte[] bytes) implements Look {}

        record Invalid(String problem) implements Look {}
    }

    private record MergeOutcome(PlanMerge.Result result, String problem) {}

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
