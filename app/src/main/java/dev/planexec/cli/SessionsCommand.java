package dev.planexec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.isolation.IsolationException;
import dev.planexec.isolation.Isolations;
import dev.planexec.isolation.WorktreeIsolation;
import dev.planexec.plan.Plan;
import dev.planexec.recovery.SessionJanitor;
import dev.planexec.recovery.SessionJanitor.Row;
import dev.planexec.recovery.SessionJanitor.State;
import dev.planexec.recovery.WorktreeJanitor;
import dev.planexec.run.Scheduler;
import dev.planexec.store.PlanLock;
import dev.planexec.store.PlanLockedException;
import dev.planexec.store.PlanStore;
import dev.planexec.store.SaveFailedException;
import dev.planexec.text.ControlChars;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code planexec sessions list|clean}. */
@Command(
        name = "sessions",
        mixinStandardHelpOptions = true,
        description = "List or clean up planexec's agent sessions.",
        subcommands = {SessionsCommand.ListSessions.class, SessionsCommand.CleanSessions.class})
final class SessionsCommand implements Runnable {
    @ParentCommand
    PlanexecCommand parent;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(parent.context.err());
        throw PlanexecException.invalidInput("sessions: say 'list' or 'clean'");
    }

    /** Opens a janitor over the agents of {@code plan}, or every agent. */
    static <T> T withJanitor(CliContext context, Path plan, JanitorWork<T> work) {
        List<String> agents = List.of();
        if (plan != null) {
            Plan loaded = PlanLoading.load(plan);
            agents = SessionJanitor.agentsOf(loaded);
        }
        try (SessionJanitor janitor = new SessionJanitor(
                AgentRegistry.load(),
                new AgentEnvironment(context.stateDir().root(), context.env(), null),
                warning -> context.err().println("planexec: " + ControlChars.visible(warning)))) {
            return work.apply(janitor, janitor.list(plan, agents));
        }
    }

    /** What both subcommands take: which plan's sessions, and whether only orphaned ones. */
    static final class Scope {
        @Parameters(index = "0", arity = "0..1", paramLabel = "PLAN.json", description = "Only this plan's sessions.")
        Path plan;

        @Option(names = "--orphaned", description = "Only sessions no plan task refers to any more.")
        boolean orphaned;
    }

    @FunctionalInterface
    interface JanitorWork<T> {
        T apply(SessionJanitor janitor, List<Row> rows);
    }

    @Command(
            name = "list",
            mixinStandardHelpOptions = true,
            description = "List planexec's sessions, with the task that refers to each.")
    static final class ListSessions implements Callable<Integer> {
        private static final DateTimeFormatter WHEN =
                DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").withZone(ZoneId.systemDefault());

        @ParentCommand
        SessionsCommand sessions;

        @Mixin
        Scope scope;

        @Option(names = "--json", description = "Print JSON instead of a table.")
        boolean json;

        @Override
        public Integer call() throws Exception {
            CliContext context = sessions.parent.context;
            List<Row> rows = withJanitor(context, scope.plan, (janitor, all) -> all.stream()
                    .filter(r -> !scope.orphaned || r.state() == State.ORPHANED)
                    .toList());
            PrintWriter out = context.out();
            if (json) {
                out.println(new ObjectMapper()
                        .enable(SerializationFeature.INDENT_OUTPUT)
                        .writeValueAsString(toJson(rows)));
                return ExitCodes.OK;
            }
            if (rows.isEmpty()) {
                out.println(scope.orphaned ? "no orphaned sessions" : "no sessions");
                return ExitCodes.OK;
            }
            int width =
                    rows.stream().mapToInt(r -> r.session().id().length()).max().orElse(10);
            // Every column named, and the state spelled as --json spells it (in_use).
            out.printf(
                    "%-" + width + "s  %-7s  %-8s  %-19s  %s%n",
                    "SESSION",
                    "AGENT",
                    "STATE",
                    "LAST ACTIVITY",
                    "REASON");
            for (Row r : rows) {
                out.printf(
                        "%-" + width + "s  %-7s  %-8s  %-19s  %s%n",
                        ControlChars.visibleInline(r.session().id()),
                        r.session().agent(),
                        r.state().name().toLowerCase(java.util.Locale.ROOT),
                        r.session().lastActivity() == null
                                ? "-"
                                : WHEN.format(r.session().lastActivity()),
                        ControlChars.visibleInline(r.why()));
            }
            return ExitCodes.OK;
        }

        private static ArrayNode toJson(List<Row> rows) {
            ObjectMapper mapper = new ObjectMapper();
            ArrayNode array = mapper.createArrayNode();
            for (Row r : rows) {
                ObjectNode o = array.addObject();
                o.put("id", r.session().id());
                o.put("agent", r.session().agent());
                o.put("state", r.state().name().toLowerCase(java.util.Locale.ROOT));
                o.put("reason", r.why());
                o.put("taskId", r.task() != null ? r.task().id() : r.session().taskId());
                o.put("taskStatus", r.task() == null ? null : r.task().status().json());
                o.put("plan", r.session().planFile());
                o.put(
                        "createdAt",
                        r.session().createdAt() == null
                                ? null
                                : r.session().createdAt().toString());
                o.put(
                        "lastActivity",
                        r.session().lastActivity() == null
                                ? null
                                : r.session().lastActivity().toString());
                ObjectNode ctx = o.putObject("context");
                r.session().context().toMap().forEach(ctx::put);
            }
            return array;
        }
    }

    @Command(
            name = "clean",
            mixinStandardHelpOptions = true,
            description = {
                "Remove sessions that are no longer needed.",
                "With --orphaned: planexec's sessions that no plan task refers to.",
                "With PLAN.json alone: that plan's sessions of done or failed tasks, and its orphaned ones;",
                "  with worktree isolation also the worktrees and branches of its done and failed tasks, those no task",
                "  names, and its integration worktree (the branch planexec/<plan-id> stays).",
                "Work not on planexec/<plan-id> (a failed task's, a Start Fresh backup) is kept and named unless --force.",
                "Sessions and worktrees of a plan that is running now are never touched."
            })
    static final class CleanSessions implements Callable<Integer> {
        @ParentCommand
        SessionsCommand sessions;

        @Mixin
        Scope scope;

        @Option(names = "--dry-run", description = "Say what would be removed; remove nothing.")
        boolean dryRun;

        @Option(
                names = "--force",
                description = "Also remove worktrees and branches holding work not on planexec/<plan-id>.")
        boolean force;

        @Override
        public Integer call() {
            if (scope.plan == null && !scope.orphaned) {
                throw PlanexecException.invalidInput(
                        "sessions clean: name a plan, or use --orphaned to remove sessions no task refers to");
            }
            CliContext context = sessions.parent.context;
            List<Row> removed = withJanitor(
                    context,
                    scope.plan,
                    (janitor, rows) -> janitor.delete(
                            rows.stream()
                                    .filter(r -> scope.orphaned
                                            ? r.state() == State.ORPHANED
                                            : SessionJanitor.finishedOrOrphaned(r))
                                    .toList(),
                            dryRun));
            for (Row r : removed) {
                context.out()
                        .println((dryRun ? "would remove " : "removed ")
                                + ControlChars.visibleInline(r.session().id() + "  (" + r.why() + ")"));
            }
            context.out()
                    .println((dryRun ? "would remove " : "removed ") + removed.size() + " session"
                            + (removed.size() == 1 ? "" : "s"));
            if (scope.plan != null) {
                cleanWorktrees(context);
            }
            return ExitCodes.OK;
        }

        /** The plan's worktrees and branches, under the plan lock (after the sessions, which read the lock). */
        private void cleanWorktrees(CliContext context) {
            Plan loaded = PlanLoading.loadToSave(scope.plan);
            if (loaded.gitBase() == null && loaded.tasks().stream().noneMatch(t -> t.worktree() != null)) {
                return; // never run with worktrees: nothing of git's to clean
            }
            try (PlanLock lock = PlanLock.acquire(scope.plan, n -> {})) {
                PlanStore store = new PlanStore(scope.plan, PlanLoading.loadToSave(scope.plan), AgentRegistry.NAMES);
                WorktreeIsolation isolation = Isolations.forRecordedWork(
                                store.current(),
                                Scheduler.workingDirectory(store),
                                context.stateDir().root())
                        .worktree()
                        .orElseThrow();
                WorktreeJanitor.Report report =
                        new WorktreeJanitor(store, isolation, force, dryRun).clean(scope.orphaned);
                report.removed().forEach(line -> context.out().println(ControlChars.visibleInline(line)));
                report.kept().forEach(line -> context.out().println(ControlChars.visibleInline(line)));
            } catch (PlanLockedException e) {
                context.out().println(scope.plan + " is being run now: its worktrees and branches are left alone");
            } catch (IsolationException e) {
                throw PlanexecException.invalidInput(scope.plan + ": " + ControlChars.visible(e.getMessage()));
            } catch (SaveFailedException e) {
                throw PlanexecException.failed(e.getMessage() + "; the plan file is unchanged");
            } catch (IOException e) {
                throw PlanexecException.invalidInput("cannot lock " + scope.plan + ": " + e.getMessage());
            }
        }
    }
}
