"""A list of choices whose keys stay in order with the keys typed after them."""

from textual import events
from textual.widgets import OptionList

from widgets.typed_ahead import FollowsFocus, own_binding


class ChoiceList(FollowsFocus, OptionList):
    """Textual's OptionList, where Enter chooses the highlighted option and moves the focus on.

    OptionList's keys are bindings, which the app resolves only after the list has taken every
    key handed to it: a note typed right after Enter went nowhere, and Enter typed right after
    Down chose the option before Down had moved. Here the list resolves its own keys as it takes
    them, and hands the keys after the Enter to the field now focused (see FollowsFocus).
    """

    async def on_key(self, event: events.Key) -> None:
        """Run the list's own binding for *event* now, in turn with the keys before it.

        Runs before FollowsFocus's handler, which hands the key back if the focus has moved.
        """
        if self.screen.focused is not self:
            return
        binding = own_binding(self, event.key)
        if binding is not None:
            event.stop()
            event.prevent_default()
            await self.run_action(binding.action)

    def action_select(self) -> None:
        """Choose the highlighted option, then move on to the next field."""
        if self.highlighted is None:
            return
        super().action_select()
        self.screen.focus_next()
