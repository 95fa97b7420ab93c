package dev.planexec.cli;

import com.googlecode.lanterna.screen.Screen;
import dev.planexec.agent.process.ProcessReaper;
import dev.planexec.console.LinePrinter;
import dev.planexec.isolation.Isolations;
import dev.planexec.plan.Plan;
import dev.planexec.plan.Task;
import dev.planexec.recovery.Orphan;
import dev.planexec.recovery.Recovery;
import dev.planexec.recovery.RecoveryResult;
import dev.planexec.run.AgentPool;
import dev.planexec.run.RunEvent;
import dev.planexec.run.RunListener;
import dev.planexec.run.RunOptions;
import dev.planexec.run.Scheduler;
import dev.planexec.store.LogFile;
import dev.planexec.store.PlanStore;
import dev.planexec.tui.TuiApp;
import java.io.IOException;
import java.nio.charset.Charset;
import java.util.List;
import org.jline.utils.Signals;

/**
 * {@code run} in the full-screen UI: the screen opens, shows the recovery dialog if there are orphans to ask about,
 * then runs the plan. Whatever happens, the terminal is restored before anything is printed, and the reason for a
 * failure is printed after the screen is gone (its trace goes to the log).
 */
final class TuiRun {
    private final CliContext context;
    private final LogFile log;

    TuiRun(CliContext context, LogFile log) {
        this.context = context;
        this.log = log;
    }

    int run(
            RunWorkflow.Request request,
            PlanStore store,
            AgentPool agents,
            Isolations isolations,
            List<Orphan> toAsk,
            RecoveryResult alreadySettled) {
        Charset charset = context.utf8() ? java.nio.charset.StandardCharsets.UTF_8 : Charset.defaultCharset();
        Screen screen;
        try {
            screen = dev.planexec.tui.UnicodeTerminal.openScreen(System.in, System.out, charset);
            screen.startScreen();
        } catch (IOException e) {
            throw PlanexecException.invalidInput(
                    "cannot open the full-screen UI (" + e.getMessage() + "); use --plain for line mode");
        }
        TuiApp app = TuiApp.create(
                screen, store.current(), request.agent(), context.env(), charset, request.notifications());
        app.transcripts(agents::transcript);
        Object previousInt = Signals.register("INT", app::requestStop);
        Object previousTerm = Signals.register("TERM", app::requestStop);
        // A hang-up (the window closed, the SSH connection dropped) stops gracefully too: the sessions are kept.
        Object previousHup = Signals.register("HUP", app::hangUp);
        TuiApp.Outcome outcome;
        try {
            outcome = app.run(toAsk, choices -> {
                Plan before = store.current();
                RecoveryResult settled = choices.isEmpty()
                        ? alreadySettled
                        : new Recovery(store, agents, isolations)
                                .apply(choices, note -> app.listener().onEvent(new RunEvent.Notice(null, note)));
                publishChanges(before, store.current(), app.listener());
                RunOptions options = new RunOptions(request.concurrency(), settled.resume(), settled.held(), true);
                return new TuiApp.Started(
                        new Scheduler(store, agents, options, app.listener(), log, isolations), settled.held());
            });
        } catch (IOException | RuntimeException | Error e) {
            restore(screen);
            log.error("the full-screen UI failed", e);
            ProcessReaper.killAll();
            throw PlanexecException.failed("the full-screen UI failed: " + e.getMessage() + " (details in " + log.path()
                    + "); the plan file holds the last saved state");
        } finally {
            restore(screen);
            Signals.unregister("INT", previousInt);
            Signals.unregister("TERM", previousTerm);
            Signals.unregister("HUP", previousHup);
        }
        if (outcome.forced()) {
            context.out().println("planexec: quit at once; running tasks were saved as interrupted");
            context.out().flush();
            ProcessReaper.killAll();
            Runtime.getRuntime().halt(ExitCodes.INTERRUPTED);
        }
        if (outcome.summary() == null) {
            context.out().println("planexec: quit before the run started; nothing changed");
            return ExitCodes.INTERRUPTED;
        }
        context.out().println(LinePrinter.summary(outcome.summary()));
        outcome.details().forEach(context.out()::println);
        return switch (outcome.summary().outcome()) {
            case COMPLETED -> ExitCodes.OK;
            case INCOMPLETE -> ExitCodes.NOT_DONE;
            case INTERRUPTED -> ExitCodes.INTERRUPTED;
            case SAVE_FAILED ->
                throw PlanexecException.failed(
                        outcome.summary().saveError() + "; the plan file keeps its last saved state");
        };
    }

    /**
     * Start Fresh and Clean Up change tasks outside the scheduler, which reports only its own changes: without this
     * the screen would go on showing a cleaned-up task as running.
     */
    private static void publishChanges(Plan before, Plan after, RunListener listener) {
        for (Task is : after.tasks()) {
            before.task(is.id())
                    .filter(was -> !was.equals(is))
                    .ifPresent(was -> listener.onEvent(new RunEvent.StateChanged(was, is)));
        }
    }

    /** Leaves the alternate screen and gives back the cursor and echo; safe to call twice. */
    private static void restore(Screen screen) {
        try {
            screen.stopScreen();
        } catch (IOException | RuntimeException e) {
            // Nothing more can be done for the terminal here.
        }
    }
}
