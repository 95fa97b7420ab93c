package dev.planexec.cli;

import dev.planexec.agent.copilot.ServerAddresses;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code --copilot-url HOST:PORT}, repeatable: Copilot servers to run Copilot tasks on. */
final class CopilotServerOptions {
    @Option(
            names = "--copilot-url",
            paramLabel = "HOST:PORT",
            converter = Address.class,
            description = "Run Copilot tasks on this Copilot server ('copilot --headless --port N'); repeat for "
                    + "several (tasks spread over them). Overrides the plan's copilotUrls and PLANEXEC_COPILOT_URL.")
    List<String> urls = new ArrayList<>();

    /** Rejects what is not {@code HOST:PORT} while the command line is read: exit code 2. */
    static final class Address implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String problem = ServerAddresses.problem(value.strip());
            if (problem != null) {
                throw new TypeConversionException(problem);
            }
            return value.strip();
        }
    }
}
