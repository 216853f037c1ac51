package dev.jobkit.shell.command;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import org.jline.utils.Levenshtein;

/**
 * The "did you mean" of a usage error: the known words closest to a mistyped one. Close means a
 * Damerau–Levenshtein distance (insert, delete, replace, swap two neighbours: JLine's {@link
 * Levenshtein}, the one its own typo matching uses) of at most 2 and less than the typed word's
 * length, so that a word of one or two letters is not "close" to every short word; or the typed
 * word is the start of the known one ({@code job li} for {@code job list}). Case is ignored.
 */
final class Suggestions {

  /** The largest distance that still counts as a typo. */
  static final int MAX_DISTANCE = 2;

  /** At most this many are offered; more would not be a suggestion. */
  static final int MAX_SUGGESTIONS = 3;

  private Suggestions() {}

  /**
   * The words of {@code known} closest to {@code typed}, in alphabetical order: those at the
   * smallest distance, else those it starts; none when none is close or too many are.
   */
  static List<String> closest(String typed, Collection<String> known) {
    String word = typed.toLowerCase(Locale.ROOT);
    if (word.isEmpty()) {
      return List.of();
    }
    int best = Integer.MAX_VALUE;
    TreeSet<String> nearest = new TreeSet<>();
    TreeSet<String> started = new TreeSet<>();
    for (String candidate : known) {
      String other = candidate.toLowerCase(Locale.ROOT);
      if (other.startsWith(word)) {
        started.add(candidate);
      }
      int d = Levenshtein.distance(word, other);
      if (d > MAX_DISTANCE || d >= word.length()) {
        continue;
      }
      if (d < best) {
        best = d;
        nearest.clear();
      }
      if (d == best) {
        nearest.add(candidate);
      }
    }
    TreeSet<String> chosen = nearest.isEmpty() ? started : nearest;
    return chosen.size() > MAX_SUGGESTIONS ? List.of() : new ArrayList<>(chosen);
  }

  /**
   * {@code "; did you mean 'a'?"}, or {@code "; did you mean 'a' or 'b'?"}, for the closest words
   * as they are to be typed ({@code job list}, {@code --status}); empty when there is none.
   */
  static String didYouMean(List<String> closest) {
    if (closest.isEmpty()) {
      return "";
    }
    List<String> quoted = closest.stream().map(w -> "'" + w + "'").toList();
    String last = quoted.get(quoted.size() - 1);
    String list =
        quoted.size() == 1
            ? last
            : String.join(", ", quoted.subList(0, quoted.size() - 1)) + " or " + last;
    return "; did you mean " + list + "?";
  }
}
