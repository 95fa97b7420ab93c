package dev.planexec.agent;

import java.nio.file.Path;

/**
 * An agent CLI that comes from npm, and the version planexec is tested with: what {@code planexec agents install}
 * installs, side by side, into {@code <state>/agents/<agent>-<version>/}.
 *
 * @param packageName the npm package, e.g. {@code @github/copilot}
 * @param testedVersion the newest version planexec is tested with; installed when no version is asked for
 * @param binary the CLI inside an install folder, e.g. {@code node_modules/.bin/claude}
 */
public record NpmCli(String packageName, String testedVersion, String binary) {

    /** The folder of every CLI planexec installed. */
    public static Path installs(Path stateDir) {
        return stateDir.resolve("agents");
    }

    /** The folder of one installed version. */
    public static Path folder(Path stateDir, String agent, String version) {
        return installs(stateDir).resolve(agent + "-" + version);
    }
}
