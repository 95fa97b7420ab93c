package dev.planexec.cli;

import java.util.concurrent.Callable;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code planexec completion bash|zsh}: the shell completion script, Picocli's, with plan arguments narrowed to
 * {@code *.json} files (and folders, to get to them).
 */
@Command(
        name = "completion",
        mixinStandardHelpOptions = true,
        description = {
            "Print a completion script for bash or zsh: commands, options, plan files (*.json), agent names.",
            "bash: source <(planexec completion bash)   zsh: source <(planexec completion zsh)"
        })
final class CompletionCommand implements Callable<Integer> {
    /** What Picocli emits for a {@code Path} argument: every file. */
    private static final String ANY_FILE = "compgen -f -- \"${curr_word}\" ) # files";

    /** JSON files and folders, so a plan deeper down can be reached. */
    private static final String PLANS =
            "{ compgen -f -X '!*.json' -- \"${curr_word}\"; compgen -d -- \"${curr_word}\"; }";

    private static final String PLAN_FILE = PLANS + " ) # plan files";

    /** The top level has no arguments of its own, but {@code planexec PLAN.json} means {@code run PLAN.json}. */
    private static final String ROOT_FUNCTION = "function _picocli_planexec() {";

    private static final String ROOT_POSITIONALS = "    local positionals=\"\"\n";

    @ParentCommand
    PlanexecCommand parent;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SHELL", description = "bash or zsh.")
    String shell;

    @Override
    public Integer call() {
        if (!shell.equals("bash") && !shell.equals("zsh")) {
            throw PlanexecException.invalidInput("completion: say bash or zsh, not \"" + shell + "\"");
        }
        // One script serves both: Picocli's script turns on zsh's bash-completion emulation when zsh sources it.
        String script = AutoComplete.bash("planexec", spec.root().commandLine()).replace(ANY_FILE, PLAN_FILE);
        int root = script.indexOf(ROOT_FUNCTION);
        int positionals = root < 0 ? -1 : script.indexOf(ROOT_POSITIONALS, root);
        if (positionals > 0) {
            script = script.substring(0, positionals)
                    + "    type compopt &>/dev/null && compopt -o filenames\n"
                    + "    local positionals=$( " + PLANS + " )\n"
                    + script.substring(positionals + ROOT_POSITIONALS.length());
        }
        parent.context.out().print(script);
        // Also when run from a checkout as ./planexec, which is a different command name to the shell.
        parent.context.out().println("complete -F _complete_planexec -o default ./planexec");
        parent.context.out().flush();
        return ExitCodes.OK;
    }
}
