package dev.planexec.cli;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.store.AtomicFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** Loads a plan for a command, turning every problem into exit code 2 with {@code file:line:column} lines. */
final class PlanLoading {
    private PlanLoading() {}

    static Plan load(Path file) {
        refuseLinkToNothing(file);
        try {
            return PlanFiles.load(file, AgentRegistry.NAMES);
        } catch (InvalidPlanException e) {
            throw PlanexecException.invalidInput(e.problems());
        }
    }

    /**
     * Loads a plan that the command will save, refusing at once what a save could not keep as it is (a plan with
     * several hard links), so that nothing has run when it is refused.
     */
    static Plan loadToSave(Path file) {
        Plan plan = load(file);
        refuseWhatASaveCannotKeep(file);
        return plan;
    }

    /**
     * As {@code run} needs it, its working folder checked too: for {@code run} and {@code validate}; refused as
     * {@link #loadToSave} refuses too.
     */
    static Plan loadForRun(Path file) {
        refuseLinkToNothing(file);
        Plan plan;
        try {
            plan = PlanFiles.loadForRun(file, AgentRegistry.NAMES);
        } catch (InvalidPlanException e) {
            throw PlanexecException.invalidInput(e.problems());
        }
        refuseWhatASaveCannotKeep(file);
        return plan;
    }

    private static void refuseLinkToNothing(Path file) {
        if (Files.isSymbolicLink(file) && !Files.exists(file)) {
            // A link to nothing (or a loop): say so, rather than "no such file" about a name that is there.
            throw PlanexecException.invalidInput(
                    AtomicFile.whyNotReplaceable(file).orElse(file + ": a symbolic link that leads to no file"));
        }
    }

    private static void refuseWhatASaveCannotKeep(Path file) {
        AtomicFile.whyNotReplaceable(file).ifPresent(reason -> {
            throw PlanexecException.invalidInput(reason);
        });
    }
}
