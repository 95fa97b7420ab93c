package dev.planexec.cli;

import dev.planexec.agent.AgentRegistry;
import dev.planexec.plan.InvalidPlanException;
import dev.planexec.plan.Plan;
import dev.planexec.plan.PlanFiles;
import dev.planexec.plan.Task;
import dev.planexec.plan.TaskStatus;
import dev.planexec.plan.Usage;
import dev.planexec.recovery.Recovery;
import dev.planexec.store.PlanLock;
import dev.planexec.text.ControlChars;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code planexec list [DIR]}: the plans in a folder and where each stands. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = "List the plans in DIR (default: ./plans and ./.planeteer) and where each stands.")
final class ListCommand implements Callable<Integer> {
    /** Planeteer keeps these beside its plans; they are not plans. */
    private static final Set<String> NOT_PLANS = Set.of("prompt-history.json", "settings.json");

    @ParentCommand
    PlanexecCommand parent;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR", description = "Folder to look in.")
    Path dir;

    @Override
    public Integer call() throws IOException {
        List<Path> dirs = dir != null ? List.of(dir) : List.of(Path.of("plans"), Path.of(".planeteer"));
        if (dir != null && !Files.isDirectory(dir)) {
            throw PlanexecException.invalidInput(dir + ": no such folder");
        }
        List<Path> files = new ArrayList<>();
        for (Path d : dirs) {
            if (Files.isDirectory(d)) {
                try (Stream<Path> entries = Files.list(d)) {
                    entries.filter(p -> p.getFileName().toString().endsWith(".json"))
                            .filter(p -> !NOT_PLANS.contains(p.getFileName().toString()))
                            .sorted()
                            .forEach(files::add);
                }
            }
        }
        PrintWriter out = parent.context.out();
        if (files.isEmpty()) {
            out.println("no plans in "
                    + String.join(" or ", dirs.stream().map(Path::toString).toList()));
            return ExitCodes.OK;
        }
        int width = files.stream().mapToInt(p -> p.toString().length()).max().orElse(10);
        out.printf("%-" + width + "s  %-6s  %-28s  %-10s  %s%n", "PLAN", "TASKS", "STATE", "TOKENS", "NAME");
        for (Path file : files) {
            out.printf(
                    "%-" + width + "s  %s%n",
                    ControlChars.visibleInline(file.toString()),
                    ControlChars.visibleInline(describe(file)));
        }
        return ExitCodes.OK;
    }

    private static String describe(Path file) throws IOException {
        Plan plan;
        try {
            plan = PlanFiles.load(file, AgentRegistry.NAMES);
        } catch (InvalidPlanException e) {
            return String.format(
                    "%-6s  %-28s  %-10s  %s", "-", "invalid", "-", e.problems().get(0));
        }
        long done = plan.count(TaskStatus.DONE);
        int total = plan.tasks().size();
        String state;
        long holder = PlanLock.holder(file);
        long orphans = plan.tasks().stream().filter(Recovery::isOrphan).count();
        if (holder > 0) {
            state = "running (process " + holder + ")";
        } else if (orphans > 0) {
            state = orphans + " orphaned task(s)";
        } else if (plan.count(TaskStatus.FAILED) > 0) {
            state = plan.count(TaskStatus.FAILED) + " failed";
        } else if (done == total) {
            state = "done";
        } else if (done == 0) {
            state = "not started";
        } else {
            state = "partly done";
        }
        // The plan's total: input and output tokens of every task, and the cost where the agents reported one.
        Usage usage = plan.tasks().stream().map(Task::usage).reduce(Usage.NONE, Usage::plus);
        String tokens = usage.isNone()
                ? "-"
                : Usage.compact(usage.totalTokens())
                        + (usage.costUsd() == null
                                ? ""
                                : String.format(java.util.Locale.ROOT, " $%.2f", usage.costUsd()));
        return String.format(
                "%-6s  %-28s  %-10s  %s", done + "/" + total, state, tokens, plan.name() == null ? "" : plan.name());
    }
}
