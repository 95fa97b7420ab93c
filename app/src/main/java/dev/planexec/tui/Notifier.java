package dev.planexec.tui;

import dev.planexec.agent.process.ProcessTrees;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Tells the user when the run needs them while they look elsewhere (the run ended, a task failed, the recovery
 * dialog waits): the terminal bell, and a desktop notification where the terminal has one (OSC 9: iTerm2, WezTerm,
 * ghostty, kitty; OSC 777: VTE terminals such as GNOME Terminal, foot) or else {@code notify-send} when installed.
 * On by default; {@code --no-notify} or {@code PLANEXEC_NOTIFY=0} turn it off.
 */
final class Notifier {
    private final boolean on;
    private final Map<String, String> env;
    private final Consumer<String> terminal;

    Notifier(boolean on, Map<String, String> env, Consumer<String> terminal) {
        this.on = on && !"0".equals(env.get("PLANEXEC_NOTIFY"));
        this.env = env;
        this.terminal = terminal;
    }

    boolean on() {
        return on;
    }

    void notify(String message) {
        if (!on) {
            return;
        }
        // Only what planexec itself wrote goes into the sequence: no control character from a task's text.
        String text = Text.stripControls(message).replace(';', ',');
        String program = env.getOrDefault("TERM_PROGRAM", "");
        String term = env.getOrDefault("TERM", "");
        StringBuilder out = new StringBuilder("\007");
        if (List.of("iTerm.app", "WezTerm", "ghostty").contains(program) || term.contains("kitty")) {
            out.append("\033]9;planexec: ").append(text).append('\007');
        } else if (env.containsKey("VTE_VERSION") || term.startsWith("foot")) {
            out.append("\033]777;notify;planexec;").append(text).append('\007');
        } else {
            notifySend(text);
        }
        terminal.accept(out.toString());
    }

    private void notifySend(String text) {
        Path command = onPath("notify-send");
        if (command == null || !env.containsKey("DISPLAY") && !env.containsKey("WAYLAND_DISPLAY")) {
            return;
        }
        try {
            ProcessBuilder builder = new ProcessBuilder(command.toString(), "planexec", text)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
            ProcessTrees.launch(builder);
        } catch (IOException e) {
            // No desktop notification then; the bell went out.
        }
    }

    private Path onPath(String name) {
        for (String dir : env.getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, name))) {
                return Path.of(dir, name);
            }
        }
        return null;
    }
}
