package dev.planexec.cli;

import dev.planexec.isolation.IsolationException;
import dev.planexec.isolation.Land;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.text.ControlChars;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code planexec land PLAN.json}: the plan's integration branch into the checked-out base branch. */
@Command(
        name = "land",
        mixinStandardHelpOptions = true,
        description = "Merge the plan's integration branch planexec/<plan-id> into the checked-out base branch"
                + " (which must be clean, the plan file aside): a fast-forward when possible, otherwise a merge"
                + " commit.")
final class LandCommand implements Callable<Integer> {
    @ParentCommand
    PlanexecCommand parent;

    @Parameters(index = "0", paramLabel = "PLAN.json", description = "The plan file.")
    Path plan;

    @Override
    public Integer call() {
        Plan loaded = PlanLoading.load(plan);
        Path workingDirectory = PlanFiles.workingDirectory(plan, loaded);
        try {
            Land.Outcome outcome = Land.land(workingDirectory, loaded, plan);
            if (!outcome.landed()) {
                throw PlanexecException.failed(plan + ": " + ControlChars.visible(outcome.message()));
            }
            parent.context.out().println(plan + ": " + ControlChars.visible(outcome.message()));
            return ExitCodes.OK;
        } catch (IsolationException e) {
            throw PlanexecException.invalidInput(plan + ": " + ControlChars.visible(e.getMessage()));
        }
    }
}
