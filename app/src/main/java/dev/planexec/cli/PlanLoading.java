package dev.planexec.cli;

import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import java.nio.file.Path;

/** Loads a plan for a command, turning every problem into exit code 2 with {@code file:line:column} lines. */
final class PlanLoading {
    private PlanLoading() {}

    static Plan load(Path file) {
        try {
            return PlanFiles.load(file);
        } catch (InvalidPlanException e) {
            throw PlanexecException.invalidInput(e.problems());
        }
    }

    /** As {@code run} needs it, its working folder checked too: for {@code run} and {@code validate}. */
    static Plan loadForRun(Path file) {
        try {
            return PlanFiles.loadForRun(file);
        } catch (InvalidPlanException e) {
            throw PlanexecException.invalidInput(e.problems());
        }
    }
}
