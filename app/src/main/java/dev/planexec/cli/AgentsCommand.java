package dev.planexec.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.planexec.agent.AgentEnvironment;
import dev.planexec.agent.AgentException;
import dev.planexec.agent.AgentProvider;
import dev.planexec.agent.AgentRegistry;
import dev.planexec.agent.AgentStatus;
import dev.planexec.agent.CliLookup;
import dev.planexec.agent.NpmCli;
import dev.planexec.agent.NpmInstaller;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * {@code planexec agents [--json]}: every agent of this build, the CLI it would use, its version, the versions
 * planexec is tested with, and whether it is ready or what to do. {@code planexec agents install NAME}: a tested CLI,
 * side by side, in planexec's state folder.
 */
@Command(
        name = "agents",
        mixinStandardHelpOptions = true,
        subcommands = AgentsCommand.Install.class,
        description = {
            "Show each agent: the CLI it would use and where it was found, its version, the versions planexec is",
            "tested with, and whether it is ready (signed in or given a key) or what to do.",
            "A CLI is looked for in this order: PLANEXEC_<AGENT>_CLI, one 'planexec agents install' installed, PATH."
        })
final class AgentsCommand implements Callable<Integer> {
    @ParentCommand
    PlanexecCommand parent;

    @Option(names = "--json", description = "Print JSON instead of a table.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        CliContext context = parent.context;
        AgentEnvironment environment = new AgentEnvironment(context.stateDir().root(), context.env(), null);
        AgentRegistry registry = AgentRegistry.load();
        List<AgentStatus> rows = new ArrayList<>();
        for (String name : registry.names()) {
            rows.add(registry.find(name).orElseThrow().status(environment));
        }
        PrintWriter out = context.out();
        if (json) {
            out.println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(toJson(rows)));
        } else {
            printTable(out, rows);
        }
        return ExitCodes.OK;
    }

    private static void printTable(PrintWriter out, List<AgentStatus> rows) {
        String format = "%-8s %-6s %-9s %-18s %s%n";
        out.printf(format, "AGENT", "READY", "VERSION", "TESTED", "CLI / WHAT TO DO");
        for (AgentStatus r : rows) {
            String where = r.cli() == null ? r.detail() : r.cli() + " (" + r.source() + "); " + r.detail();
            out.printf(
                    format, r.agent(), r.ready() ? "yes" : "no", orDash(r.version()), orDash(r.tested()), safe(where));
        }
    }

    private static ArrayNode toJson(List<AgentStatus> rows) {
        ArrayNode array = new ObjectMapper().createArrayNode();
        for (AgentStatus r : rows) {
            ObjectNode o = array.addObject();
            o.put("agent", r.agent());
            o.put("ready", r.ready());
            o.put("cli", r.cli());
            o.put("foundBy", r.source());
            o.put("version", r.version());
            o.put("tested", r.tested());
            o.put("detail", r.detail());
        }
        return array;
    }

    private static String orDash(String s) {
        return s == null ? "-" : s;
    }

    /** What a CLI said reaches the terminal without live control sequences. */
    private static String safe(String s) {
        return s.replaceAll("\\p{Cntrl}", " ");
    }

    /** {@code planexec agents install NAME [--version V]}. */
    @Command(
            name = "install",
            mixinStandardHelpOptions = true,
            description = {
                "Install an agent's CLI with npm into planexec's state folder (agents/NAME-VERSION), side by side",
                "with other versions; your own global install is never touched. planexec then uses it, unless",
                "PLANEXEC_<AGENT>_CLI names another. Agents: copilot, claude, codex, gemini, pi."
            })
    static final class Install implements Callable<Integer> {
        @ParentCommand
        AgentsCommand agents;

        @Parameters(index = "0", paramLabel = "NAME", description = "The agent.")
        String name;

        @Option(
                names = "--version",
                paramLabel = "V",
                description = "The version to install (default: the newest planexec is tested with).")
        String version;

        @Override
        public Integer call() {
            CliContext context = agents.parent.context;
            AgentRegistry registry = AgentRegistry.load();
            AgentProvider provider = registry.find(name)
                    .orElseThrow(() -> PlanexecException.invalidInput("agents install: unknown agent \"" + name
                            + "\" (expected one of " + String.join(", ", registry.names()) + ")"));
            NpmCli npm = provider.npm()
                    .orElseThrow(() -> PlanexecException.invalidInput("agents install: planexec cannot install the "
                            + name + " agent's CLI; see 'planexec agents' for what it needs"));
            AgentEnvironment environment =
                    new AgentEnvironment(context.stateDir().root(), context.env(), null);
            String wanted = version == null ? npm.testedVersion() : version;
            context.out().println("installing " + npm.packageName() + "@" + wanted + " with npm ...");
            context.out().flush();
            Path cli;
            try {
                cli = NpmInstaller.install(name, npm, version, environment);
            } catch (AgentException e) {
                throw e.getMessage().startsWith("--version")
                        ? PlanexecException.invalidInput(e.getMessage())
                        : PlanexecException.failed(e.getMessage());
            }
            context.out().println("installed " + name + " " + wanted + ": " + cli);
            String variable = CliLookup.variable(name);
            context.out()
                    .println("planexec uses it from now on"
                            + (context.env().containsKey(variable) ? ", except while " + variable + " is set" : ""));
            return ExitCodes.OK;
        }
    }
}
