"""The one StreamField vocabulary shared by every page type."""

from django.utils.translation import gettext_lazy as _

from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class HeadingBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Heading"), max_length=120)
    level = blocks.ChoiceBlock(
        choices=[("h2", _("Heading 2")), ("h3", _("Heading 3"))],
        default="h2",
        label=_("Level"),
    )

    class Meta:
        icon = "title"
        template = "blocks/heading_block.html"
        label = _("Heading")


class CalloutBlock(blocks.StructBlock):
    """A calm, boxed note: "you can leave at any time", "no need to talk"."""

    title = blocks.CharBlock(label=_("Title"), max_length=120, required=False)
    text = blocks.RichTextBlock(label=_("Text"), features=["bold", "link", "ul"])

    class Meta:
        icon = "info-circle"
        template = "blocks/callout_block.html"
        label = _("Callout")


class BaseStreamBlock(blocks.StreamBlock):
    heading = HeadingBlock()
    paragraph = blocks.RichTextBlock(
        label=_("Paragraph"),
        features=["bold", "italic", "link", "ol", "ul", "document-link"],
        template="blocks/paragraph_block.html",
    )
    image = ImageBlock(label=_("Image"), template="blocks/image_block.html")
    callout = CalloutBlock()


class HelpLineBlock(blocks.StructBlock):
    """One help line for when the desk is closed: name, number and real hours."""

    name = blocks.CharBlock(label=_("Name"), max_length=80)
    phone = blocks.CharBlock(label=_("Phone"), max_length=40)
    hours = blocks.CharBlock(label=_("Hours"), max_length=120, help_text=_("e.g. 24時間・年中無休"))
    note = blocks.CharBlock(
        label=_("Note"), max_length=200, required=False, help_text=_("e.g. 通話料無料")
    )

    class Meta:
        icon = "mobile-alt"
        label = _("Help line")
