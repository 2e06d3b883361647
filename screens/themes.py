"""companion's own themes: high contrast, dark and light, for low vision and bright rooms.

Registered beside Textual's built-in themes, so the command palette's theme switcher offers
them too. Muted text stays close to full contrast: in these themes nothing is merely grey.
"""

from __future__ import annotations

from textual.theme import Theme

HIGH_CONTRAST = "companion-high-contrast"
HIGH_CONTRAST_LIGHT = "companion-high-contrast-light"

THEMES = (
    Theme(
        name=HIGH_CONTRAST,
        primary="#FFFF00",
        secondary="#00FFFF",
        accent="#FFFF00",
        warning="#FFAF00",
        error="#FF6E6E",
        success="#00FF5F",
        foreground="#FFFFFF",
        background="#000000",
        surface="#000000",
        panel="#202020",
        dark=True,
        variables={
            "text-muted": "#E8E8E8",
            "footer-key-foreground": "#FFFF00",
            "footer-description-foreground": "#FFFFFF",
            "block-cursor-foreground": "#000000",
            "block-cursor-background": "#FFFF00",
            "block-cursor-text-style": "bold",
            "input-cursor-background": "#FFFF00",
            "input-cursor-foreground": "#000000",
        },
    ),
    Theme(
        name=HIGH_CONTRAST_LIGHT,
        primary="#0000B0",
        secondary="#6A00A8",
        accent="#0000B0",
        warning="#8A4B00",
        error="#B00000",
        success="#006400",
        foreground="#000000",
        background="#FFFFFF",
        surface="#FFFFFF",
        panel="#E4E4E4",
        dark=False,
        variables={
            "text-muted": "#1A1A1A",
            "footer-key-foreground": "#0000B0",
            "footer-description-foreground": "#000000",
            "block-cursor-foreground": "#FFFFFF",
            "block-cursor-background": "#0000B0",
            "block-cursor-text-style": "bold",
        },
    ),
)
