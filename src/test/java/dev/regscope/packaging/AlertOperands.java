package dev.regscope.packaging;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an alert's condition compares: its expression split at the top-level {@code and}, {@code or}
 * and {@code unless}, each part without its top-level comparison ({@code x > 0} gives {@code x}),
 * and {@code absent(x)} as {@code x}. On a healthy system the condition is empty by nature; these
 * parts are not, so a query of each shows the alert reads series that exist.
 */
final class AlertOperands {
  private static final Pattern SET_OPERATOR = Pattern.compile("(and|or|unless)(?![\\w:])");
  private static final Pattern MODIFIER = Pattern.compile("^\\s*(on|ignoring)\\s*\\([^)]*\\)");
  private static final Pattern ABSENT = Pattern.compile("^absent\\s*\\((.*)\\)$", Pattern.DOTALL);
  private static final List<String> COMPARISONS = List.of("==", "!=", ">=", "<=", ">", "<");

  private AlertOperands() {}

  static List<String> of(String expr) {
    List<String> operands = new ArrayList<>();
    for (String part : splitAtSetOperators(expr)) {
      String operand = leftOfComparison(part).strip();
      Matcher absent = ABSENT.matcher(operand);
      operands.add(absent.matches() ? absent.group(1).strip() : operand);
    }
    return operands;
  }

  private static List<String> splitAtSetOperators(String expr) {
    List<String> parts = new ArrayList<>();
    int depth = 0;
    int start = 0;
    for (int i = 0; i < expr.length(); i++) {
      char c = expr.charAt(i);
      if (c == '"' || c == '\'') {
        i = endOfString(expr, i);
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (depth == 0 && (i == 0 || !identifier(expr.charAt(i - 1)))) {
        Matcher operator = SET_OPERATOR.matcher(expr).region(i, expr.length());
        if (operator.lookingAt()) {
          parts.add(expr.substring(start, i));
          int next = operator.end();
          Matcher modifier = MODIFIER.matcher(expr).region(next, expr.length());
          if (modifier.lookingAt()) {
            next = modifier.end();
          }
          start = next;
          i = next - 1;
        }
      }
    }
    parts.add(expr.substring(start));
    return parts;
  }

  private static String leftOfComparison(String part) {
    int depth = 0;
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      if (c == '"' || c == '\'') {
        i = endOfString(part, i);
      } else if (c == '(' || c == '[' || c == '{') {
        depth++;
      } else if (c == ')' || c == ']' || c == '}') {
        depth--;
      } else if (depth == 0) {
        for (String comparison : COMPARISONS) {
          if (part.startsWith(comparison, i)) {
            return part.substring(0, i);
          }
        }
      }
    }
    return part;
  }

  private static int endOfString(String s, int open) {
    char quote = s.charAt(open);
    for (int i = open + 1; i < s.length(); i++) {
      if (s.charAt(i) == '\\') {
        i++;
      } else if (s.charAt(i) == quote) {
        return i;
      }
    }
    return s.length();
  }

  private static boolean identifier(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == ':';
  }
}
