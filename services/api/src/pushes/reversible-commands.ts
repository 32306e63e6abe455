/**
 * Commands an automatic rule may run, each with the command that undoes it: a rule whose action
 * cannot be reversed through the API is refused, so every automatic action can be taken back.
 */
export const REVERSIBLE_COMMANDS: Readonly<Record<string, string>> = {
  contain: 'lift_containment',
  suspend_device: 'unsuspend_device',
  enablelostmode: 'disablelostmode',
};
