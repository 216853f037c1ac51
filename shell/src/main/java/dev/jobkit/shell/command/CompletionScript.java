package dev.jobkit.shell.command;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.shell.core.command.Command;
import org.springframework.shell.core.command.CommandRegistry;

/**
 * The bash and zsh completion scripts of the one-shot {@code jobkit}. Command words and options are
 * written into the script from the command table, so Tab on them costs no JVM start; the values
 * (job ids, statuses, user names) are what the shell's own completion proposes, asked of {@code
 * jobkit __complete WORD... CURRENT} ({@link Completions#propose}), which never starts a service.
 */
final class CompletionScript {

  /** The global options, before the command, as the scripts propose them. */
  private static final String GLOBALS =
      String.join(
          " ",
          java.util.stream.Stream.concat(
                  GlobalOptions.WITH_VALUE.stream(), GlobalOptions.FLAGS.stream())
              .toList());

  /**
   * The script with the global options put in: {@code @WITH_VALUE@} ({@code --server|…}),
   * {@code @WITH_VALUE_JOINED@} ({@code --server=*|…|--no-color}) and {@code @NO_VALUES@} (those
   * whose value nothing proposes: all but {@code --data-dir}, a directory).
   */
  private static String withGlobals(String script) {
    return script
        .replace("@WITH_VALUE@", String.join("|", GlobalOptions.WITH_VALUE))
        .replace(
            "@WITH_VALUE_JOINED@",
            String.join("|", GlobalOptions.WITH_VALUE.stream().map(o -> o + "=*").toList())
                + "|--no-color")
        .replace(
            "@NO_VALUES@",
            String.join(
                "|",
                GlobalOptions.WITH_VALUE.stream().filter(o -> !o.equals("--data-dir")).toList()));
  }

  /** The words that may follow each run of command words ("" for the first word). */
  private final Map<String, TreeSet<String>> next = new TreeMap<>();

  /** The options of each command and alias, by its name. */
  private final Map<String, List<String>> options = new TreeMap<>();

  private final String version;

  CompletionScript(CommandRegistry registry, String version) {
    this.version = version;
    for (Command c : registry.getCommands()) {
      List<String> names = new ArrayList<>(c.getAliases());
      names.add(c.getName());
      for (String name : names) {
        String[] parts = name.split(" ");
        for (int i = 0; i < parts.length; i++) {
          String before = String.join(" ", List.of(parts).subList(0, i));
          next.computeIfAbsent(before, k -> new TreeSet<>()).add(parts[i]);
        }
        List<String> opts = new ArrayList<>();
        if (c instanceof JobkitCommand jc) {
          jc.opts().forEach(o -> opts.add("--" + o.name()));
        }
        opts.add("--help");
        options.put(name, opts);
      }
    }
  }

  /** The bash script: {@code source <(jobkit completion bash)}. */
  String bash() {
    return header("bash", "source <(jobkit completion bash)")
        + tables()
        + """
        _jobkit() {
          local cur="${COMP_WORDS[COMP_CWORD]}" reply cmd="" n i=1
          local -a globals=() args=()
          while (( i < COMP_CWORD )); do
            case "${COMP_WORDS[i]}" in
              @WITH_VALUE@) globals+=("${COMP_WORDS[i]}" "${COMP_WORDS[i+1]}"); (( i += 2 )) ;;
              @WITH_VALUE_JOINED@) globals+=("${COMP_WORDS[i]}"); (( i += 1 )) ;;
              *) break ;;
            esac
          done
          case "${COMP_WORDS[COMP_CWORD-1]}" in
            --data-dir) COMPREPLY=( $(compgen -d -- "$cur") ); return 0 ;;
            @NO_VALUES@) COMPREPLY=(); return 0 ;;
          esac
          args=("${COMP_WORDS[@]:i:COMP_CWORD-i}")
          for (( n = ${#args[@]}; n >= 1; n-- )); do
            if [[ -n "$(_jobkit_options "${args[*]:0:n}")" ]]; then cmd="${args[*]:0:n}"; break; fi
          done
          if [[ -z "$cmd" ]]; then
            if (( ${#args[@]} == 0 )) && [[ "$cur" == -* ]]; then reply="%s"
            else reply="$(_jobkit_next "${args[*]}")"; fi
          elif [[ "$cmd" == help ]]; then
            reply="$(_jobkit_next "${args[*]:1}")"
          elif [[ "$cur" == -* ]]; then
            reply="$(_jobkit_options "$cmd")"
          else
            reply="$("${COMP_WORDS[0]}" "${globals[@]}" __complete "${args[@]}" "$cur" 2>/dev/null)"
          fi
          COMPREPLY=( $(compgen -W "$reply" -- "$cur") )
        }
        complete -F _jobkit jobkit
        """
            .formatted(GLOBALS)
            .transform(CompletionScript::withGlobals);
  }

  /**
   * The zsh script: {@code source <(jobkit completion zsh)} after {@code compinit}, or saved as
   * {@code _jobkit} in a directory of {@code fpath}.
   */
  String zsh() {
    return "#compdef jobkit\n"
        + header("zsh", "source <(jobkit completion zsh)   # after compinit")
        + tables()
        + """
        _jobkit() {
          local cur="${words[CURRENT]}" text cmd="" n i=2
          local -a globals args reply
          while (( i < CURRENT )); do
            case "${words[i]}" in
              @WITH_VALUE@) globals+=("${words[i]}" "${words[i+1]}"); (( i += 2 )) ;;
              @WITH_VALUE_JOINED@) globals+=("${words[i]}"); (( i += 1 )) ;;
              *) break ;;
            esac
          done
          case "${words[CURRENT-1]}" in
            --data-dir) _files -/; return ;;
            @NO_VALUES@) return 1 ;;
          esac
          args=("${(@)words[i,CURRENT-1]}")
          for (( n = ${#args}; n >= 1; n-- )); do
            if [[ -n "$(_jobkit_options "${(j: :)args[1,n]}")" ]]; then cmd="${(j: :)args[1,n]}"; break; fi
          done
          if [[ -z "$cmd" ]]; then
            if (( ${#args} == 0 )) && [[ "$cur" == -* ]]; then text="%s"
            else text="$(_jobkit_next "${(j: :)args}")"; fi
          elif [[ "$cmd" == help ]]; then
            text="$(_jobkit_next "${(j: :)args[2,-1]}")"
          elif [[ "$cur" == -* ]]; then
            text="$(_jobkit_options "$cmd")"
          else
            text="$("${words[1]}" "${globals[@]}" __complete "${args[@]}" "$cur" 2>/dev/null)"
          fi
          reply=(${=text})
          compadd -a reply
        }
        if [[ "${zsh_eval_context[-1]}" == loadautofunc ]]; then
          _jobkit "$@"
        else
          compdef _jobkit jobkit
        fi
        """
            .formatted(GLOBALS)
            .transform(CompletionScript::withGlobals);
  }

  private String header(String shell, String load) {
    return "# Tab completion of jobkit for "
        + shell
        + ", generated by 'jobkit completion "
        + shell
        + "' (jobkit "
        + version
        + ").\n"
        + "# Load it with: "
        + load
        + "\n"
        + "# Commands and options are in this script; values (job ids, statuses, user names) come\n"
        + "# from 'jobkit __complete WORDS... CURRENT', which never starts the local service.\n\n";
  }

  /** {@code _jobkit_next} and {@code _jobkit_options}: the command table as case statements. */
  private String tables() {
    StringBuilder b = new StringBuilder();
    b.append("# The words that may follow the command words \"$1\".\n_jobkit_next() {\n")
        .append("  case \"$1\" in\n");
    next.forEach(
        (before, words) ->
            b.append("    \"")
                .append(before)
                .append("\") echo \"")
                .append(String.join(" ", words))
                .append("\" ;;\n"));
    b.append("  esac\n}\n\n");
    b.append("# The options of the command \"$1\" (nothing: not a command).\n_jobkit_options() {\n")
        .append("  case \"$1\" in\n");
    options.forEach(
        (name, opts) ->
            b.append("    \"")
                .append(name)
                .append("\") echo \"")
                .append(String.join(" ", opts))
                .append("\" ;;\n"));
    b.append("  esac\n}\n\n");
    return b.toString();
  }
}
