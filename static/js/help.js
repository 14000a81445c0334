// @ts-check
// The help notice drawn as a grouped list (commands by kind, each with its short forms; its
// summary on hover) instead of a wall of lines. Text only: every string goes in as a text node.

/**
 * @typedef {object} HelpGroup
 * @property {string} title
 * @property {{ name: string, aliases: string[], usage: string, summary: string }[]} commands
 */

/**
 * Whether a notice is the help list with its groups.
 * @param {any} data a system.notice's data
 * @returns {data is { text: string, groups: HelpGroup[] }}
 */
export function isHelpList(data) {
  return data?.code === "help" && Array.isArray(data.groups) &&
    data.groups.every((/** @type {any} */ group) =>
      typeof group?.title === "string" && Array.isArray(group.commands)
    );
}

/**
 * The help list as an element for the log.
 * @param {{ text: string, groups: HelpGroup[] }} data
 * @returns {HTMLElement}
 */
export function helpElement(data) {
  const block = document.createElement("div");
  block.className = "help";
  const intro = document.createElement("p");
  intro.className = "notice";
  intro.textContent = "Commands, by kind. Type help and a command's name to learn more about one.";
  block.append(intro);
  const list = document.createElement("dl");
  for (const group of data.groups) {
    const title = document.createElement("dt");
    title.textContent = group.title;
    // Each kind on one line of names (with their short forms): a screenful, not a wall.
    const commands = document.createElement("dd");
    for (const [index, command] of group.commands.entries()) {
      if (index > 0) commands.append(", ");
      const name = document.createElement("code");
      name.textContent = command.name;
      name.title = command.summary;
      commands.append(name);
      const shortForms = command.aliases.filter((alias) => alias.length < command.name.length);
      if (shortForms.length) commands.append(` (${shortForms.join(", ")})`);
    }
    list.append(title, commands);
  }
  block.append(list);
  return block;
}
