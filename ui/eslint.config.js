import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import pluginVue from 'eslint-plugin-vue'
import prettier from 'eslint-config-prettier/flat'

export default [
  { ignores: ['dist/**', 'node_modules/**', 'src/bindings/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...pluginVue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  {
    rules: {
      // TypeScript already checks names (and knows the DOM); the core rule does not.
      'no-undef': 'off',
      // Owner-entered text is always rendered as text.
      'vue/no-v-html': 'error',
      'vue/multi-word-component-names': 'off',
    },
  },
  prettier,
]
