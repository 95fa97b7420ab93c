package dev.planexec.cli;

import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.isolation.IsolationException;
import dev.planexec.isolation.Isolations;
import dev.planexec.plan.Plan;
import dev.planexec.recovery.PlanReset;
import dev.planexec.run.AgentPool;
import dev.planexec.run.Scheduler;
import dev.planexec.store.PlanLock;
import dev.planexec.store.PlanLockedException;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SaveFailedException;
import dev.planexec.text.ControlChars;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code planexec reset PLAN.json [--task ID]}: start a plan (or one task) over. */
@Command(
        name = "reset",
        mixinStandardHelpOptions = true,
        description = "Put tasks back to pending as if they never ran, and remove their sessions.")
final class ResetCommand implements Callable<Integer> {
    @ParentCommand
    PlanexecCommand parent;

    @Parameters(index = "0", paramLabel = "PLAN.json", description = "The plan file.")
    Path plan;

    @Option(names = "--task", paramLabel = "ID", description = "Reset only this task (repeatable).")
    List<String> tasks = List.of();

    @Option(
            names = "--force",
            description = "Remove task branches and worktrees even when they hold work not on planexec/<plan-id>.")
    boolean force;

    /** The worktree isolation of a plan whose tasks have worktrees; none if they have none. */
    private Isolations isolations(PlanStore store) {
        Plan current = store.current();
        if (current.tasks().stream().noneMatch(t -> t.worktree() != null)) {
            return null;
        }
        return Isolations.forRecordedWork(
                current,
                Scheduler.workingDirectory(store),
                parent.context.stateDir().root());
    }

    @Override
    public Integer call() {
        CliContext context = parent.context;
        Plan loaded = PlanLoading.loadToSave(plan);
        for (String id : tasks) {
            if (loaded.task(id).isEmpty()) {
                throw PlanexecException.invalidInput(plan + ": no task \"" + id + "\"");
            }
        }
        try (PlanLock lock = PlanLock.acquire(plan, n -> context.err().println(ControlChars.visible(n)));
                AgentPool agents = new AgentPool(
                        AgentRegistry.load(),
                        new AgentEnvironment(context.stateDir().root(), context.env(), null),
                        null)) {
            PlanStore store = new PlanStore(plan, PlanLoading.loadToSave(plan), AgentRegistry.NAMES);
            int removed = PlanReset.reset(store, agents, isolations(store), force, Set.copyOf(tasks), n -> context.err()
                    .println(ControlChars.visible(n)));
            int count = tasks.isEmpty() ? loaded.tasks().size() : tasks.size();
            context.out()
                    .printf(
                            "%s: %d task%s back to pending, %d session%s removed%n",
                            plan, count, count == 1 ? "" : "s", removed, removed == 1 ? "" : "s");
            return ExitCodes.OK;
        } catch (IsolationException e) {
            throw PlanexecException.invalidInput(plan + ": " + ControlChars.visible(e.getMessage()));
        } catch (PlanLockedException e) {
            throw PlanexecException.locked(e.getMessage());
        } catch (SaveFailedException e) {
            throw PlanexecException.failed(e.getMessage() + "; the plan file is unchanged");
        } catch (IOException e) {
            throw PlanexecException.invalidInput("cannot lock " + plan + ": " + e.getMessage());
        }
    }
}
