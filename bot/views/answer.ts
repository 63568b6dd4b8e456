import type { AnswerValue, Question } from "../../core/questions/types.ts";
import { ownerText, type Translate } from "./outbox-payload.ts";

/**
 * An answer as the customer reads it back in "My profile": a date as 25.12.1990, a choice as
 * its option's label (the owner's words in the customer's language), several choices joined,
 * yes/no as words, a number written the language's way.
 */
export function formatAnswer(
  question: Pick<Question, "type" | "options">,
  value: AnswerValue,
  t: Translate,
  language: string,
): string {
  const label = (option: unknown) => {
    const found = question.options.find((o) => o.value === option);
    return found ? ownerText(found.label, language) : String(option);
  };
  switch (question.type) {
    case "date":
      return typeof value === "string" ? formatDay(value) : String(value);
    case "single_choice":
      return label(value);
    case "multiple_choice":
      return (Array.isArray(value) ? value : [value]).map(label).join(", ");
    case "yes_no":
      return t(value === true ? "answer-yes" : "answer-no");
    case "number":
    case "rating":
    case "nps":
      return typeof value === "number"
        ? new Intl.NumberFormat(language === "en" ? "en-US" : "ru-RU", {
            maximumFractionDigits: 6,
          }).format(value)
        : String(value);
    default:
      return String(value);
  }
}

/** "1990-12-25" → "25.12.1990"; anything else as it is. */
function formatDay(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : iso;
}
