"""The bullet characters every reader of list items knows (the PDF line joiner, the splitter, the
paragraph reader): defined once, so a bullet one of them learns is a bullet to all of them."""

# Symbols that never occur in prose, bullets wherever they stand (flattened text keeps them mid-line).
# U+F0B7 / U+F0A7 / U+F0D8 / U+F0FC are Symbol/Wingdings private-use bullets that Word exports leak.
SYMBOL_BULLETS = "•▪●◦■►➢➤✓✔❖◆\uf0b7\uf0a7\uf0d8\uf0fc"
# A Wingdings bullet whose font has no Unicode map comes out as the Latin-1 letter of its code: the arrow
# (0xD8) as "Ø", the square (0xA7) as "§". Bullets only at a line start before a word ("§ 3" is a section).
UNMAPPED_BULLETS = "Ø§"
